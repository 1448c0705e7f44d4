package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.event.v1.AnalyticsParkedEventsServiceGrpc;
import dev.parley.event.v1.AnalyticsParkedEventsServiceGrpc.AnalyticsParkedEventsServiceBlockingStub;
import dev.parley.event.v1.ListParkedEventsRequest;
import dev.parley.event.v1.ParkedEvent;
import dev.parley.event.v1.ReplayParkedEventRequest;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.runtime.ParleyService;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One tenant's event that cannot be applied stops nothing for the others: it is tried a few times,
 * parked with its error (visible through the internal API, a log line and a metric), the stream
 * moves on, and the event is replayed once the fault is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonedEventTest {
  private static final String POISONED = "poisoned-tenant";
  private static final String HEALTHY = "healthy-tenant";

  private TestingParley parley;
  private ManagedChannel channel;
  private AnalyticsParkedEventsServiceBlockingStub parked;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", parley.servicePort("analytics-service"))
            .usePlaintext()
            .build();
    Metadata internal = new Metadata();
    internal.put(
        Metadata.Key.of("parley-internal-token", Metadata.ASCII_STRING_MARSHALLER),
        TestingParley.INTERNAL_TOKEN);
    parked =
        AnalyticsParkedEventsServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(internal));
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
  }

  @Test
  void aConversationWithoutMessagesIsCounted() {
    String key =
        parley.key("empty-parts", "conversation:read,conversation:write,conversations:ingest");
    assertThat(
            parley
                .send(
                    "POST",
                    "/gitbook/v1/orgs/empty-parts/conversations",
                    key,
                    "{\"id\": \"no-parts\", \"parts\": []}")
                .status())
        .isEqualTo(204);
    assertThat(TestingParley.eventually(() -> todaysCount(key), count -> count == 1)).isEqualTo(1);
    assertThat(
            parked
                .listParkedEvents(
                    ListParkedEventsRequest.newBuilder().setTenantId("empty-parts").build())
                .getParkedEventsList())
        .isEmpty();
  }

  @Test
  void aPoisonedEventIsParkedWhileOtherTenantsMoveOnAndReplaysOnceFixed() throws Exception {
    String poisonedKey = parley.key(POISONED, "conversation:read,conversation:write");
    String healthyKey = parley.key(HEALTHY, "conversation:read,conversation:write");
    owner(
        """
        CREATE FUNCTION analytics.poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.tenant_id = 'poisoned-tenant' THEN
            RAISE EXCEPTION 'poisoned row of %', NEW.tenant_id;
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER poison BEFORE INSERT OR UPDATE ON analytics.query_conversation
          FOR EACH ROW EXECUTE FUNCTION analytics.poison();
        """);
    try {
      log(poisonedKey, "p-1");
      log(healthyKey, "h-1");
      log(healthyKey, "h-2");

      assertThat(TestingParley.eventually(() -> todaysCount(healthyKey), count -> count == 2))
          .isEqualTo(2);
      List<ParkedEvent> events =
          TestingParley.eventually(() -> parkedOf(POISONED), list -> !list.isEmpty());
      assertThat(events).hasSize(1);
      ParkedEvent event = events.getFirst();
      assertThat(event.getStream()).isEqualTo("conversation");
      assertThat(event.getRecord().getEvent().getType()).isEqualTo("conversation.upserted");
      assertThat(event.getRecord().getEvent().getSubjectId()).isEqualTo("p-1");
      assertThat(event.getError()).contains("poisoned row of poisoned-tenant");
      assertThat(event.getAttempts()).isEqualTo(3);
      assertThat(todaysCount(poisonedKey)).isZero();
      assertThat(parkedOf(HEALTHY)).isEmpty();
      assertThat(
              analytics()
                  .instance(MeterRegistry.class)
                  .counter("parley.events.parked", "stream", "conversation", "tenant", POISONED)
                  .count())
          .isEqualTo(1.0);

      // Still broken: the replay fails with the error, and the event stays parked.
      ReplayParkedEventRequest replay =
          ReplayParkedEventRequest.newBuilder()
              .setTenantId(POISONED)
              .setStream("conversation")
              .setEventId(event.getRecord().getEvent().getId())
              .build();
      assertThatThrownBy(() -> parked.replayParkedEvent(replay))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(e.getStatus().getDescription()).contains("poisoned row");
              });
      assertThat(parkedOf(POISONED))
          .singleElement()
          .extracting(ParkedEvent::getAttempts)
          .isEqualTo(4);
    } finally {
      owner(
          "DROP TRIGGER IF EXISTS poison ON analytics.query_conversation;"
              + " DROP FUNCTION IF EXISTS analytics.poison();");
    }

    ParkedEvent replayed =
        parked.replayParkedEvent(
            ReplayParkedEventRequest.newBuilder()
                .setTenantId(POISONED)
                .setStream("conversation")
                .setEventId(parkedOrReplayedId())
                .build());
    assertThat(replayed.getReplayed()).isTrue();
    assertThat(parkedOf(POISONED)).isEmpty();
    assertThat(todaysCount(poisonedKey)).isEqualTo(1);
    // Applied once: a second replay finds nothing.
    assertThatThrownBy(
            () ->
                parked.replayParkedEvent(
                    ReplayParkedEventRequest.newBuilder()
                        .setTenantId(POISONED)
                        .setStream("conversation")
                        .setEventId(replayed.getRecord().getEvent().getId())
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void theInternalApiRefusesApiKeysAndBadRequests() {
    String key = parley.key("parked-caller", "*");
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    AnalyticsParkedEventsServiceBlockingStub withKey =
        AnalyticsParkedEventsServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    assertThatThrownBy(
            () ->
                withKey.listParkedEvents(
                    ListParkedEventsRequest.newBuilder().setTenantId("parked-caller").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThatThrownBy(() -> parked.listParkedEvents(ListParkedEventsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThatThrownBy(
            () ->
                parked.replayParkedEvent(
                    ReplayParkedEventRequest.newBuilder()
                        .setTenantId("parked-caller")
                        .setStream("conversation")
                        .setEventId("not-a-uuid")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  private String parkedOrReplayedId() {
    return parkedOf(POISONED).getFirst().getRecord().getEvent().getId();
  }

  private List<ParkedEvent> parkedOf(String tenant) {
    return parked
        .listParkedEvents(ListParkedEventsRequest.newBuilder().setTenantId(tenant).build())
        .getParkedEventsList();
  }

  private ParleyService analytics() {
    return parley.suite().services().stream()
        .filter(service -> service.name().equals("analytics-service"))
        .findFirst()
        .orElseThrow();
  }

  private void log(String key, String id) {
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    """
                    {"id": "%s", "type": "openai",
                     "messages": [{"role": "user", "content": "Hello"}]}
                    """
                        .formatted(id))
                .status())
        .isEqualTo(200);
  }

  /** The key's tenant's conversations started today, by Alli's daily count. */
  private int todaysCount(String key) {
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    TestingParley.Response response =
        parley.send(
            "GET",
            "/alli/webapi/v2/conversations/daily_count?startDate=" + today + "&endDate=" + today,
            key,
            null);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().get("result").get(0).get("count").asInt();
  }

  private void owner(String sql) throws SQLException {
    DatabaseConfig database = parley.database();
    try (Connection connection =
            DriverManager.getConnection(
                database.jdbcUrl(), database.ownerUser(), database.ownerPassword());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
