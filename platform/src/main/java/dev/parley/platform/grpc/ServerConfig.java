package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import java.time.Duration;

/** How a service's gRPC server listens and runs calls. Port 0 picks a free port (tests). */
public record ServerConfig(String host, int port, int threads, Duration keyCacheTime) {
  public ServerConfig {
    requireNonNull(host, "host is null");
    requireNonNull(keyCacheTime, "keyCacheTime is null");
  }

  public static ServerConfig fromEnvironment(Environment environment, Setting portSetting) {
    return new ServerConfig(
        environment.get(Setting.BIND_HOST),
        environment.getInt(portSetting, 0, 65535),
        environment.getInt(Setting.GRPC_THREADS, 1, 1024),
        Duration.ofSeconds(environment.getInt(Setting.KEY_CACHE_SECONDS, 0, 3600)));
  }

  /** Loopback, a free port: for tests. */
  public static ServerConfig forTesting() {
    return new ServerConfig("127.0.0.1", 0, 8, Duration.ofSeconds(1));
  }
}
