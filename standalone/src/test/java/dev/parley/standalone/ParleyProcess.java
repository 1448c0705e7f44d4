package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** {@code parley up} in a JVM of its own, on a data folder and free ports, as a user runs it. */
final class ParleyProcess {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  final Map<String, String> settings = new HashMap<>();
  final int gatewayPort;
  final int databasePort;
  private final Path log;

  ParleyProcess(Path data) throws IOException {
    gatewayPort = freePort();
    databasePort = freePort();
    log = data.resolve("parley.log");
    settings.put("PARLEY_DATA_DIR", data.toString());
    settings.put("PARLEY_EMBEDDED_DATABASE_PORT", Integer.toString(databasePort));
    settings.put("PARLEY_GATEWAY_PORT", Integer.toString(gatewayPort));
    settings.put("PARLEY_CONVERSATION_PORT", "0");
    settings.put("PARLEY_TICKET_PORT", "0");
    settings.put("PARLEY_ANALYTICS_PORT", "0");
    settings.put("PARLEY_MANAGEMENT_PORT", "0");
    settings.put("PARLEY_RATE_LIMIT_PER_SECOND", "0");
    settings.put("PARLEY_BIND_HOST", "127.0.0.1");
  }

  /** Where the process writes what it prints. */
  Path log() {
    return log;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + gatewayPort;
  }

  /** Starts {@code parley up}, its output appended to the log. */
  Process start() throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder builder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.parley.standalone.Parley",
                "up")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("PARLEY_"));
    builder.environment().putAll(settings);
    builder.environment().put("PARLEY_LOG_FORMAT", "text");
    return builder.start();
  }

  /** Until the gateway answers (401 without a key), failing if the process dies first. */
  void awaitServing(Process parley) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    while (true) {
      assertThat(parley.isAlive())
          .as("parley up exited with %s", parley.isAlive() ? "-" : parley.exitValue())
          .isTrue();
      assertThat(Instant.now()).as("waited 120 s for parley up").isBefore(deadline);
      try {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/inkeep/conversations"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
