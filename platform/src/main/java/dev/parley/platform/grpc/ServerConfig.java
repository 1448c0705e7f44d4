package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.type.v1.Backend;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * How a service's gRPC server listens and runs calls, and where it reaches the other services
 * ({@code peers}, by backend; a service without a peer's target works without that peer). Port 0
 * picks a free port (tests).
 */
public record ServerConfig(
    String host,
    int port,
    int threads,
    Duration keyCacheTime,
    Map<Backend, String> peers,
    String internalToken,
    RateLimits rateLimits,
    Tls tls) {
  public ServerConfig {
    requireNonNull(host, "host is null");
    requireNonNull(keyCacheTime, "keyCacheTime is null");
    requireNonNull(rateLimits, "rateLimits is null");
    requireNonNull(tls, "tls is null");
    peers = Map.copyOf(peers);
    internalToken = internalToken == null ? "" : internalToken;
  }

  /** The same server with this internal token (the launcher's, when none is configured). */
  public ServerConfig withInternalToken(String token) {
    return new ServerConfig(host, port, threads, keyCacheTime, peers, token, rateLimits, tls);
  }

  /** The same server with TLS (tests). */
  public ServerConfig withTls(Tls settings) {
    return new ServerConfig(
        host, port, threads, keyCacheTime, peers, internalToken, rateLimits, settings);
  }

  /** A new random internal token. */
  public static String newInternalToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public static ServerConfig fromEnvironment(Environment environment, Setting portSetting) {
    Map<Backend, String> peers = new EnumMap<>(Backend.class);
    peers.put(Backend.BACKEND_CONVERSATION, environment.get(Setting.CONVERSATION_TARGET));
    peers.put(Backend.BACKEND_TICKET, environment.get(Setting.TICKET_TARGET));
    peers.put(Backend.BACKEND_ANALYTICS, environment.get(Setting.ANALYTICS_TARGET));
    return new ServerConfig(
        environment.get(Setting.BIND_HOST),
        environment.getInt(portSetting, 0, 65535),
        environment.getInt(Setting.GRPC_THREADS, 1, 1024),
        Duration.ofSeconds(environment.getInt(Setting.KEY_CACHE_SECONDS, 0, 3600)),
        peers,
        environment.get(Setting.INTERNAL_TOKEN),
        new RateLimits(
            environment.getInt(Setting.RATE_LIMIT_PER_SECOND, 0, 1_000_000),
            environment.getInt(Setting.RATE_LIMIT_BURST, 1, 1_000_000)),
        Tls.fromEnvironment(environment));
  }

  /** Loopback, a free port, no peers, a fresh internal token, no rate limits: for tests. */
  public static ServerConfig forTesting() {
    return new ServerConfig(
        "127.0.0.1",
        0,
        8,
        Duration.ofSeconds(1),
        Map.of(),
        newInternalToken(),
        RateLimits.OFF,
        Tls.OFF);
  }
}
