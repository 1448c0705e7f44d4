package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.EmbeddedPostgresServer;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.testing.TestingKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL killed with SIGKILL under concurrent writes through the gateway: every write that was
 * answered 2xx is there when it is back. And {@code parley up} comes back on the first try after
 * its JVM or its database was killed.
 */
class DatabaseCrashTest {
  private static final int WRITERS = 4;

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @Test
  void everyAcknowledgedWriteSurvivesAPostgresKill(@TempDir Path data) throws Exception {
    int databasePort = ParleyProcess.freePort();
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startPersistent(data, databasePort);
    DatabaseConfig database = postgres.databaseConfig("postgres", "crash-app-password", 8);
    new SchemaMigrator(database).migrateIdentity();
    String key = TestingKeys.create(database, "durable", "conversation:read,conversation:write");
    Parley.Suite suite =
        Parley.Suite.start(
            Environment.of(
                Parley.Suite.throwAwaySettings(
                    Map.of("PARLEY_INTERNAL_TOKEN", ServerConfig.newInternalToken()))),
            database,
            null,
            new PrintStream(OutputStream.nullOutputStream()));
    String base = "http://127.0.0.1:" + suite.gatewayPort();
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger failed = new AtomicInteger();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        running.add(
            writers.submit(
                () -> {
                  for (int n = 0; writing.get(); n++) {
                    String id = "w" + writer + "-" + n;
                    int status = logConversation(base, key, id);
                    if (status >= 200 && status < 300) {
                      acknowledged.add(id);
                    } else {
                      failed.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      waitUntil(() -> acknowledged.size() >= 100);
      String readyz = "http://127.0.0.1:" + suite.managementPort() + "/readyz";
      assertThat(httpGet(readyz)).isEqualTo("200 {\"status\":\"ready\"}");
      long postmaster = postmasterPid(data);
      ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();
      waitUntil(() -> ProcessHandle.of(postmaster).isEmpty());
      int atKill = acknowledged.size();
      // Writes fail while the database is away; then it comes back on the same folder.
      waitUntil(() -> failed.get() > 0);
      // Not ready while the database is away: a load balancer sends the calls elsewhere.
      waitUntil(() -> httpGet(readyz).startsWith("503 "));
      assertThat(httpGet(readyz)).contains("database unreachable");
      postgres.close();
      postgres = EmbeddedPostgresServer.startPersistent(data, databasePort);
      waitUntil(() -> acknowledged.size() >= atKill + 100);
      waitUntil(() -> httpGet(readyz).startsWith("200 "));
      writing.set(false);
      for (Future<?> writer : running) {
        writer.get();
      }

      Set<String> stored = new java.util.HashSet<>();
      try (Connection connection =
              DriverManager.getConnection(database.jdbcUrl(), database.ownerUser(), "");
          PreparedStatement query =
              connection.prepareStatement(
                  "SELECT id FROM conversation.conversation WHERE tenant_id = 'durable'");
          ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          stored.add(rows.getString(1));
        }
      }
      assertThat(acknowledged).hasSizeGreaterThan(200);
      assertThat(stored).containsAll(acknowledged);
    } finally {
      writing.set(false);
      writers.shutdownNow();
      suite.close();
      postgres.close();
    }
  }

  @Test
  void parleyUpComesBackAfterItsJvmOrItsDatabaseWasKilled(@TempDir Path data) throws Exception {
    ParleyProcess parleyUp = new ParleyProcess(data);
    Process parley = parleyUp.start();
    try {
      parleyUp.awaitServing(parley);
      Path postgres = data.resolve("postgres");
      long firstPostmaster = postmasterPid(postgres);

      // The JVM alone dies: its PostgreSQL lives on, and the next start stops it deliberately.
      parley.destroyForcibly().waitFor();
      assertThat(ProcessHandle.of(firstPostmaster)).isPresent();
      parley = parleyUp.start();
      parleyUp.awaitServing(parley);
      assertThat(ProcessHandle.of(firstPostmaster)).isEmpty();
      assertThat(Files.readString(parleyUp.log(), StandardCharsets.UTF_8))
          .contains("PostgreSQL is still running on the data folder");

      // PostgreSQL dies with SIGKILL, then the JVM: the next start recovers on the first try.
      long secondPostmaster = postmasterPid(postgres);
      ProcessHandle.of(secondPostmaster).orElseThrow().destroyForcibly();
      waitUntil(() -> ProcessHandle.of(secondPostmaster).isEmpty());
      parley.destroyForcibly().waitFor();
      parley = parleyUp.start();
      parleyUp.awaitServing(parley);
      assertThat(postmasterPid(postgres)).isNotEqualTo(secondPostmaster);
    } finally {
      parley.destroy();
      if (!parley.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        parley.destroyForcibly().waitFor();
      }
    }
  }

  private int logConversation(String base, String key, String id) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(base + "/inkeep/conversations"))
                  .timeout(Duration.ofSeconds(40))
                  .header("Authorization", "Bearer " + key)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          """
                          {"id": "%s", "type": "openai",
                           "messages": [{"role": "user", "content": "Is %s kept?"}]}
                          """
                              .formatted(id, id)))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static long postmasterPid(Path data) throws IOException {
    return Long.parseLong(
        Files.readAllLines(data.resolve("postmaster.pid"), StandardCharsets.UTF_8)
            .getFirst()
            .strip());
  }

  /** Status and body of a GET, e.g. {@code 200 {"status":"ready"}}. */
  private static String httpGet(String url) {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                  HttpResponse.BodyHandlers.ofString());
      return response.statusCode() + " " + response.body();
    } catch (IOException e) {
      return "unreachable " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("waited 90 s").isBefore(deadline);
      Thread.sleep(20);
    }
  }
}
