package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.conversation.v1.Conversation;
import dev.parley.conversation.v1.ConversationKind;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationServiceGrpc.ConversationServiceBlockingStub;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.CreateMessageRequest;
import dev.parley.conversation.v1.DeleteConversationRequest;
import dev.parley.conversation.v1.EscalateConversationRequest;
import dev.parley.conversation.v1.Message;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.EmbeddedPostgresServer;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.testing.TestingKeys;
import dev.parley.ticket.v1.CreateTicketRequest;
import dev.parley.ticket.v1.RecordTicketMessagesRequest;
import dev.parley.ticket.v1.Ticket;
import dev.parley.ticket.v1.TicketMessage;
import dev.parley.ticket.v1.TicketServiceGrpc;
import dev.parley.ticket.v1.TicketServiceGrpc.TicketServiceBlockingStub;
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
 * analytics-service killed with SIGKILL in the middle of the event streams, ticket-service killed
 * with SIGKILL under it, conversation-service and PostgreSQL restarted under it: when all are back,
 * every event of both streams is applied exactly once in effect.
 */
class EventStreamCrashTest {
  private static final String CONVERSATION_SERVER = "dev.parley.conversation.ConversationServer";
  private static final Instant DAY = Instant.parse("2026-09-01T12:00:00Z");

  @Test
  void killingAnyServiceOrRestartingTheDatabaseLosesAndDoubleCountsNothing(@TempDir Path data)
      throws Exception {
    // A PostgreSQL of its own, on a fixed port, that the test can restart.
    int databasePort = freePort();
    EmbeddedPostgresServer postgres = EmbeddedPostgresServer.startPersistent(data, databasePort);
    DatabaseConfig database = postgres.databaseConfig("postgres", "crash-app-password", 4);
    int port = freePort();
    String token = ServerConfig.newInternalToken();
    int ticketPort = freePort();
    Map<String, String> conversationSettings =
        Map.of(
            "PARLEY_CONVERSATION_PORT",
            Integer.toString(port),
            "PARLEY_TICKET_TARGET",
            "127.0.0.1:" + ticketPort);
    // Keys live in the identity schema, which the services would otherwise create on start.
    new SchemaMigrator(database).migrateIdentity();
    String key =
        TestingKeys.create(
            database, "crash", "conversation:read,conversation:write,ticket:read,ticket:write");
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    ConversationServiceBlockingStub api =
        TestingParley.withKey(ConversationServiceGrpc.newBlockingStub(channel), key);
    ManagedChannel ticketChannel =
        ManagedChannelBuilder.forAddress("127.0.0.1", ticketPort).usePlaintext().build();
    TicketServiceBlockingStub ticketApi =
        TestingParley.withKey(TicketServiceGrpc.newBlockingStub(ticketChannel), key);
    Map<String, String> peers =
        Map.of(
            "PARLEY_CONVERSATION_TARGET", "127.0.0.1:" + port,
            "PARLEY_TICKET_TARGET", "127.0.0.1:" + ticketPort);
    Process analytics = null;
    Process tickets = null;
    Process conversations = null;
    try (HikariDataSource owner = Database.ownerPool(database, "crash-test")) {
      conversations = startService(CONVERSATION_SERVER, database, token, conversationSettings);
      tickets =
          startService(
              "dev.parley.ticket.TicketServer",
              database,
              token,
              Map.of(
                  "PARLEY_TICKET_PORT",
                  Integer.toString(ticketPort),
                  "PARLEY_CONVERSATION_TARGET",
                  "127.0.0.1:" + port));
      waitUntil(() -> writes(api, 0));
      write(api, 1, 149);
      waitUntil(() -> openTickets(ticketApi, 0, 40));
      // An escalated conversation: its later messages reach the ticket through the stream.
      api.escalateConversation(
          EscalateConversationRequest.newBuilder().setConversationId("c-100").build());
      analytics = startAnalytics(database, peers, token);
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
      openTickets(ticketApi, 40, 20);
      analytics = startAnalytics(database, peers, token);
      waitUntil(() -> count(owner, "SELECT count(*) FROM analytics.applied_event") >= 100);

      // ticket-service dies with SIGKILL under the running consumer and comes back; a message
      // written to the escalated conversation meanwhile reaches its ticket when it is back.
      tickets.destroyForcibly().waitFor();
      api.createMessage(
          CreateMessageRequest.newBuilder()
              .setConversationId("c-100")
              .setMessage(
                  Message.newBuilder()
                      .setRole("user")
                      .setContent(Value.newBuilder().setStringValue("Still there?")))
              .build());
      tickets =
          startService(
              "dev.parley.ticket.TicketServer",
              database,
              token,
              Map.of(
                  "PARLEY_TICKET_PORT",
                  Integer.toString(ticketPort),
                  "PARLEY_CONVERSATION_TARGET",
                  "127.0.0.1:" + port));
      waitUntil(() -> openTickets(ticketApi, 60, 1));
      openTickets(ticketApi, 61, 19);
      waitUntil(
          () ->
              count(
                      owner,
                      "SELECT coalesce(max(message_count), 0) FROM ticket.ticket"
                          + " WHERE conversation_id = 'c-100'")
                  == 2);

      // conversation-service dies with SIGKILL under the running consumer and comes back; more
      // is written after.
      conversations.destroyForcibly().waitFor();
      conversations = startService(CONVERSATION_SERVER, database, token, conversationSettings);
      waitUntil(() -> writes(api, 200));
      write(api, 201, 19);

      // PostgreSQL restarts under both; they reconnect, and more is written after.
      postgres.close();
      postgres = EmbeddedPostgresServer.startPersistent(data, databasePort);
      waitUntil(() -> writes(api, 220));
      write(api, 221, 9);

      long events =
          count(owner, "SELECT count(*) FROM conversation.event_outbox")
              + count(owner, "SELECT count(*) FROM ticket.event_outbox");
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
      // Exactly the tickets, each with its messages counted once.
      assertThat(count(owner, "SELECT count(*) FROM analytics.query_ticket")).isEqualTo(81);
      assertThat(count(owner, "SELECT sum(message_count) FROM analytics.query_ticket"))
          .isEqualTo(count(owner, "SELECT count(*) FROM ticket.ticket_message"))
          .isEqualTo(162);
    } finally {
      for (Process process : new Process[] {analytics, tickets, conversations}) {
        if (process != null) {
          process.destroyForcibly().waitFor();
        }
      }
      channel.shutdownNow();
      ticketChannel.shutdownNow();
      postgres.close();
    }
  }

  /**
   * Whether the conversation could be written (false while the service or the database is coming
   * back); a conversation already there was written by an attempt whose answer was lost.
   */
  private static boolean writes(ConversationServiceBlockingStub api, int index) {
    try {
      write(api, index, 1);
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      return e.getStatus().getCode() == io.grpc.Status.Code.ALREADY_EXISTS;
    }
  }

  /** Opens tickets, each with two customer messages; false while ticket-service is not up. */
  private static boolean openTickets(TicketServiceBlockingStub api, int from, int count) {
    try {
      for (int i = from; i < from + count; i++) {
        Ticket ticket =
            api.createTicket(
                CreateTicketRequest.newBuilder()
                    .setTicket(Ticket.newBuilder().setDistinctId("customer-" + i))
                    .build());
        api.recordTicketMessages(
            RecordTicketMessagesRequest.newBuilder()
                .setTicket(ticket.getId())
                .addMessages(customerMessage("t-" + i + "-1"))
                .addMessages(customerMessage("t-" + i + "-2"))
                .build());
      }
      return true;
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
        return false;
      }
      throw e;
    }
  }

  private static TicketMessage customerMessage(String id) {
    return TicketMessage.newBuilder()
        .setMessageId(id)
        .setAuthor(TicketMessage.Author.AUTHOR_CUSTOMER)
        .setText("Help with " + id)
        .build();
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
  private static Process startAnalytics(
      DatabaseConfig database, Map<String, String> peers, String token) throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(peers);
    settings.put("PARLEY_ANALYTICS_PORT", "0");
    return startService("dev.parley.analytics.AnalyticsServer", database, token, settings);
  }

  /** A service in its own JVM, with the database, the internal token and these settings. */
  private static Process startService(
      String mainClass, DatabaseConfig database, String token, Map<String, String> settings)
      throws Exception {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder builder =
        new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), mainClass)
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
    environment.put("PARLEY_MANAGEMENT_PORT", "0");
    environment.put("PARLEY_RATE_LIMIT_PER_SECOND", "0");
    environment.put("PARLEY_INTERNAL_TOKEN", token);
    environment.putAll(settings);
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
