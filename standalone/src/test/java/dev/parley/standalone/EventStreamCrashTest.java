package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.conversation.ConversationServer;
import dev.parley.conversation.v1.Conversation;
import dev.parley.conversation.v1.ConversationKind;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationServiceGrpc.ConversationServiceBlockingStub;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.DeleteConversationRequest;
import dev.parley.conversation.v1.Message;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.EmbeddedPostgresServer;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.testing.TestingKeys;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * analytics-service killed with SIGKILL in the middle of the event stream, conversation-service and
 * PostgreSQL restarted under it: when all are back, every event is applied exactly once in effect.
 */
class EventStreamCrashTest {
  private static final Instant DAY = Instant.parse("2026-09-01T12:00:00Z");

  @Test
  void killingTheConsumerOrRestartingTheProducerOrTheDatabaseLosesAndDoubleCountsNothing(
      @TempDir Path data) throws Exception {
    // A PostgreSQL of its own, on a fixed port, that the test can restart.
    int databasePort = freePort();
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startPersistent(data, databasePort);
    DatabaseConfig database = postgres.databaseConfig("postgres", "crash-app-password", 4);
    int port = freePort();
    ServerConfig config = ServerConfig.forTesting();
    ServerConfig fixedPort =
        new ServerConfig(
            "127.0.0.1", port, 8, config.keyCacheTime(), Map.of(), config.internalToken());
    ParleyService conversations =
        ParleyService.start(ConversationServer.DEFINITION, database, fixedPort);
    String key = TestingKeys.create(database, "crash", "conversation:read,conversation:write");
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    ConversationServiceBlockingStub api =
        TestingParley.withKey(ConversationServiceGrpc.newBlockingStub(channel), key);
    Process analytics = null;
    try (HikariDataSource owner = Database.ownerPool(database, "crash-test")) {
      write(api, 0, 150);
      analytics = startAnalytics(database, port, config.internalToken());
      waitUntil(() -> count(owner, "SELECT count(*) FROM analytics.applied_event") >= 30);
      analytics.destroyForcibly().waitFor();
      long appliedAtKill = count(owner, "SELECT count(*) FROM analytics.applied_event");
      assertThat(appliedAtKill)
          .isLessThan(count(owner, "SELECT count(*) FROM conversation.event_outbox"));

      // Written while the consumer is down, then the consumer comes back.
      write(api, 150, 50);
      for (int i = 0; i < 20; i++) {
        api.deleteConversation(
            DeleteConversationRequest.newBuilder().setConversationId("c-" + i).build());
      }
      analytics = startAnalytics(database, port, config.internalToken());
      waitUntil(() -> count(owner, "SELECT count(*) FROM analytics.applied_event") >= 100);

      // The producer restarts under the running consumer; more is written after.
      conversations.close();
      conversations = ParleyService.start(ConversationServer.DEFINITION, database, fixedPort);
      write(api, 200, 20);

      // PostgreSQL restarts under both; they reconnect, and more is written after.
      postgres.close();
      postgres = EmbeddedPostgresServer.startPersistent(data, databasePort);
      waitUntil(() -> writes(api, 220));
      write(api, 221, 9);

      long events = count(owner, "SELECT count(*) FROM conversation.event_outbox");
      waitUntil(() -> count(owner, "SELECT count(*) FROM analytics.applied_event") == events);
      assertThat(count(owner, "SELECT count(*) FROM analytics.applied_event")).isEqualTo(events);
      // Exactly the live conversations, each on its start day.
      assertThat(
              perDay(
                  owner, "SELECT day::text, count(*) FROM analytics.conversation_day GROUP BY day"))
          .isEqualTo(
              perDay(
                  owner,
                  "SELECT (create_time AT TIME ZONE 'UTC')::date::text, count(*)"
                      + " FROM conversation.conversation GROUP BY 1"));
      assertThat(count(owner, "SELECT count(*) FROM analytics.conversation_day")).isEqualTo(210);
    } finally {
      if (analytics != null) {
        analytics.destroyForcibly().waitFor();
      }
      channel.shutdownNow();
      conversations.close();
      postgres.close();
    }
  }

  /** Whether the conversation could be written (false while the database is coming back). */
  private static boolean writes(ConversationServiceBlockingStub api, int index) {
    try {
      write(api, index, 1);
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      return false;
    }
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void write(ConversationServiceBlockingStub api, int from, int count) {
    for (int i = from; i < from + count; i++) {
      Instant created = DAY.plus(Duration.ofHours(i % 72));
      api.createConversation(
          CreateConversationRequest.newBuilder()
              .setConversationId("c-" + i)
              .setConversation(
                  Conversation.newBuilder()
                      .setKind(ConversationKind.CONVERSATION_KIND_CHAT)
                      .setCreateTime(Timestamp.newBuilder().setSeconds(created.getEpochSecond()))
                      .addMessages(
                          Message.newBuilder()
                              .setRole("user")
                              .setContent(Value.newBuilder().setStringValue("Question " + i))))
              .build());
    }
  }

  /** analytics-service in its own JVM, as deployed on its own. */
  private static Process startAnalytics(DatabaseConfig database, int conversationPort, String token)
      throws Exception {
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
                "dev.parley.analytics.AnalyticsServer")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(name -> name.startsWith("PARLEY_"));
    environment.put("PARLEY_DATABASE_URL", database.jdbcUrl());
    environment.put("PARLEY_DATABASE_USER", database.ownerUser());
    environment.put("PARLEY_DATABASE_PASSWORD", database.ownerPassword());
    environment.put("PARLEY_DATABASE_APP_USER", database.appUser());
    environment.put("PARLEY_DATABASE_APP_PASSWORD", database.appPassword());
    environment.put("PARLEY_BIND_HOST", "127.0.0.1");
    environment.put("PARLEY_ANALYTICS_PORT", "0");
    environment.put("PARLEY_CONVERSATION_TARGET", "127.0.0.1:" + conversationPort);
    environment.put("PARLEY_INTERNAL_TOKEN", token);
    return builder.start();
  }

  private static long count(HikariDataSource owner, String sql) {
    try (Connection connection = owner.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    } catch (java.sql.SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return 0; // analytics-service has not created its tables yet
      }
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Long> perDay(HikariDataSource owner, String sql) throws Exception {
    Map<String, Long> days = new TreeMap<>();
    try (Connection connection = owner.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        days.put(rows.getString(1), rows.getLong(2));
      }
    }
    return days;
  }

  private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("waited 60 s").isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
