package dev.parley.platform.identity;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.util.Set;

/** The authenticated caller of a call: a tenant, the key used and what that key may do. */
public record Principal(String tenantId, String keyId, Set<String> scopes) {
  public Principal {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(keyId, "keyId is null");
    scopes = ImmutableSet.copyOf(scopes);
  }

  /**
   * Who the caller is in a record of changes (a ticket's activity): its key's id, never its secret.
   */
  public String actor() {
    return "key:" + keyId;
  }

  /** True when the key has every one of the given scopes. */
  public boolean hasAllScopes(Iterable<String> required) {
    for (String scope : required) {
      if (!Scopes.grants(scopes, scope)) {
        return false;
      }
    }
    return true;
  }

  /** True when the key has at least one of the given scopes. */
  public boolean hasAnyScope(Iterable<String> required) {
    for (String scope : required) {
      if (Scopes.grants(scopes, scope)) {
        return true;
      }
    }
    return false;
  }
}
