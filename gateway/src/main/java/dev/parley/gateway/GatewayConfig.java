package dev.parley.gateway;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.grpc.Tls;
import dev.parley.type.v1.Backend;
import java.time.Duration;
import java.util.Map;

/** Where the gateway listens, what it accepts, and where each backend is. */
public record GatewayConfig(
    String host,
    int port,
    int maxRequestBytes,
    Duration requestTimeout,
    Map<Backend, String> targets,
    CorsPolicy cors,
    Tls tls) {
  public GatewayConfig {
    requireNonNull(host, "host is null");
    requireNonNull(requestTimeout, "requestTimeout is null");
    requireNonNull(cors, "cors is null");
    requireNonNull(tls, "tls is null");
    targets = ImmutableMap.copyOf(targets);
  }

  /** Without CORS: browsers on other origins are refused. */
  public GatewayConfig(
      String host,
      int port,
      int maxRequestBytes,
      Duration requestTimeout,
      Map<Backend, String> targets) {
    this(host, port, maxRequestBytes, requestTimeout, targets, CorsPolicy.NONE, Tls.OFF);
  }

  /** With CORS, plaintext to the services. */
  public GatewayConfig(
      String host,
      int port,
      int maxRequestBytes,
      Duration requestTimeout,
      Map<Backend, String> targets,
      CorsPolicy cors) {
    this(host, port, maxRequestBytes, requestTimeout, targets, cors, Tls.OFF);
  }

  /** The same gateway in front of backends at other targets. */
  public GatewayConfig withTargets(Map<Backend, String> backends) {
    return new GatewayConfig(host, port, maxRequestBytes, requestTimeout, backends, cors, tls);
  }

  public static GatewayConfig fromEnvironment(Environment environment) {
    return new GatewayConfig(
        environment.get(Setting.BIND_HOST),
        environment.getInt(Setting.GATEWAY_PORT, 0, 65535),
        environment.getInt(Setting.MAX_REQUEST_BYTES, 1024, 64 * 1024 * 1024),
        Duration.ofSeconds(environment.getInt(Setting.REQUEST_TIMEOUT_SECONDS, 1, 3600)),
        Map.of(
            Backend.BACKEND_CONVERSATION, environment.get(Setting.CONVERSATION_TARGET),
            Backend.BACKEND_TICKET, environment.get(Setting.TICKET_TARGET),
            Backend.BACKEND_ANALYTICS, environment.get(Setting.ANALYTICS_TARGET)),
        CorsPolicy.parse(environment.find(Setting.CORS_ALLOWED_ORIGINS).orElse("")),
        Tls.fromEnvironment(environment));
  }
}
