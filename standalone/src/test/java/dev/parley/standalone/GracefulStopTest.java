package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code parley up} stopped with SIGTERM while a request is in flight: the gateway drains it, and
 * the caller gets its answer before the process exits.
 */
class GracefulStopTest {
  @Test
  void aRequestInFlightWhenParleyUpIsStoppedCompletes(@TempDir Path data) throws Exception {
    ParleyProcess parleyUp = new ParleyProcess(data);
    Process parley = parleyUp.start();
    try {
      parleyUp.awaitServing(parley);
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      int status =
          Parley.run(
              List.of("keys", "create", "--tenant", "draining", "--scopes", "*"),
              Environment.of(parleyUp.settings),
              new PrintStream(printed, true, StandardCharsets.UTF_8),
              System.err);
      assertThat(status).isZero();
      String key = printed.toString(StandardCharsets.UTF_8).strip().lines().toList().getLast();

      String database = "jdbc:postgresql://127.0.0.1:" + parleyUp.databasePort + "/postgres";
      try (Connection owner = DriverManager.getConnection(database, "postgres", "")) {
        // Ticket numbers come from this table: a create waits while it is locked.
        owner.setAutoCommit(false);
        try (Statement lock = owner.createStatement()) {
          lock.execute("LOCK TABLE ticket.ticket_counter IN ACCESS EXCLUSIVE MODE");
        }
        CompletableFuture<HttpResponse<String>> answer =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .sendAsync(
                    HttpRequest.newBuilder(
                            URI.create(
                                parleyUp.baseUrl()
                                    + "/posthog/api/projects/@current/conversations/tickets/"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"distinct_id\": \"late\"}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        awaitWaitingOnLock(owner, answer);

        parley.destroy(); // SIGTERM
        Thread.sleep(1_000);
        assertThat(parley.isAlive()).as("stopping waits for the request in flight").isTrue();
        owner.commit();

        HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(response.body()).contains("\"ticket_number\":1");
      }
      assertThat(parley.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      if (parley.isAlive()) {
        parley.destroyForcibly().waitFor();
      }
    }
  }

  /** Until a session of the application role waits for a lock (the ticket create). */
  private static void awaitWaitingOnLock(
      Connection owner, CompletableFuture<HttpResponse<String>> answer) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    try (Connection observer =
            DriverManager.getConnection(owner.getMetaData().getURL(), "postgres", "");
        Statement statement = observer.createStatement()) {
      while (true) {
        try (ResultSet rows =
            statement.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE usename = 'parley_app' AND wait_event_type = 'Lock'")) {
          rows.next();
          if (rows.getInt(1) > 0) {
            return;
          }
        }
        if (answer.isDone()) {
          HttpResponse<String> early = answer.get();
          throw new AssertionError(
              "answered before waiting: " + early.statusCode() + " " + early.body());
        }
        assertThat(Instant.now()).as("the create never waited").isBefore(deadline);
        Thread.sleep(50);
      }
    }
  }
}
