package dev.parley.gateway;

import com.linecorp.armeria.common.FlagsProvider;

/**
 * Armeria flags the gateway needs to behave like Envoy. Armeria drops a path segment's {@code ;...}
 * part (matrix parameters) by default, so {@code DELETE /inkeep/conversations/c1;x} would delete
 * {@code c1}; Envoy keeps it as part of the path, and so does the gateway: {@code c1;x} is the id.
 */
public final class GatewayFlags implements FlagsProvider {
  @Override
  public int priority() {
    // Above Armeria's defaults, below its system-property and environment providers.
    return 0;
  }

  @Override
  public String name() {
    return "parley-gateway";
  }

  @Override
  public Boolean allowSemicolonInPathComponent() {
    return true;
  }
}
