package dev.parley.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.testing.TestingDatabase;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class ManagementTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Management management;

  @BeforeEach
  void serve() {
    management = new Management().serve("127.0.0.1", 0);
  }

  @AfterEach
  void close() {
    management.close();
  }

  private String readyz() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management.port() + "/readyz"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private String awaitReadyz(String expected) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    String seen = readyz();
    while (!seen.equals(expected) && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      seen = readyz();
    }
    return seen;
  }

  @Test
  void javaUtilLoggingOfGrpcComesOutThroughParleysLogging() {
    ch.qos.logback.classic.Logger logback =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger("io.grpc.internal.ParleyBridgeCheck");
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
        new ch.qos.logback.core.read.ListAppender<>();
    seen.start();
    logback.addAppender(seen);
    try {
      java.util.logging.Logger.getLogger("io.grpc.internal.ParleyBridgeCheck")
          .warning("a grpc-java warning");
      assertThat(seen.list)
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.getFormattedMessage()).isEqualTo("a grpc-java warning");
                assertThat(event.getLevel().toString()).isEqualTo("WARN");
              });
    } finally {
      logback.detachAppender(seen);
    }
  }

  @Test
  void readyOnlyWhileEveryPartServes() throws Exception {
    assertThat(readyz()).isEqualTo("503 {\"status\":\"not ready\",\"reason\":\"starting\"}");
    Readiness readiness = management.readiness();
    readiness.set("conversation-service", Readiness.State.MIGRATING);
    assertThat(readyz())
        .isEqualTo("503 {\"status\":\"not ready\",\"reason\":\"conversation-service: migrating\"}");
    readiness.set("conversation-service", Readiness.State.STARTING);
    readiness.set("gateway", Readiness.State.SERVING);
    assertThat(readyz()).contains("conversation-service: starting");
    readiness.set("conversation-service", Readiness.State.SERVING);
    assertThat(readyz()).isEqualTo("200 {\"status\":\"ready\"}");
    readiness.set("gateway", Readiness.State.DRAINING);
    assertThat(readyz())
        .isEqualTo("503 {\"status\":\"not ready\",\"reason\":\"gateway: draining\"}");
  }

  @Test
  void notReadyWhileItsDatabaseDoesNotAnswer() throws Exception {
    Readiness readiness = management.readiness();
    readiness.set("ticket-service", Readiness.State.SERVING);
    DatabaseConfig database = TestingDatabase.newDatabase();
    PGSimpleDataSource reachable = new PGSimpleDataSource();
    reachable.setURL(database.jdbcUrl());
    reachable.setUser(database.ownerUser());
    reachable.setPassword(database.ownerPassword());
    readiness.watchDatabase("ticket-service", reachable);
    assertThat(readyz()).isEqualTo("200 {\"status\":\"ready\"}");

    PGSimpleDataSource away = new PGSimpleDataSource();
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    away.setURL("jdbc:postgresql://127.0.0.1:" + closed + "/parley");
    away.setConnectTimeout(1);
    readiness.watchDatabase("analytics-service", away);
    readiness.set("analytics-service", Readiness.State.SERVING);
    assertThat(readyz())
        .isEqualTo(
            "503 {\"status\":\"not ready\",\"reason\":\"analytics-service: database"
                + " unreachable\"}");

    // Its pool closing (the service stopping), the database no longer counts.
    readiness.unwatchDatabase("analytics-service");
    assertThat(awaitReadyz("200 {\"status\":\"ready\"}")).isEqualTo("200 {\"status\":\"ready\"}");
  }
}
