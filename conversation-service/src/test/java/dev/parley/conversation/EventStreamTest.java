package dev.parley.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Value;
import dev.parley.conversation.v1.Conversation;
import dev.parley.conversation.v1.ConversationKind;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationServiceGrpc.ConversationServiceBlockingStub;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.DeleteConversationRequest;
import dev.parley.conversation.v1.Message;
import dev.parley.event.v1.ConversationEventsServiceGrpc;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.StreamEventsRequest;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.platform.testing.TestingKeys;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** conversation-service's outbox served as a resumable internal stream. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventStreamTest {
  private ParleyService service;
  private ManagedChannel channel;
  private DatabaseConfig database;
  private ServerConfig config;

  @BeforeAll
  void start() {
    database = TestingDatabase.newDatabase();
    config = ServerConfig.forTesting();
    service = ParleyService.start(ConversationServer.DEFINITION, database, config);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    service.close();
  }

  /** Events as they arrive, until the returned context is cancelled. */
  private Context.CancellableContext subscribe(
      String afterCursor, String token, BlockingQueue<Object> received) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("parley-internal-token", Metadata.ASCII_STRING_MARSHALLER), token);
    Context.CancellableContext context = Context.current().withCancellation();
    context.run(
        () ->
            ConversationEventsServiceGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .streamEvents(
                    StreamEventsRequest.newBuilder().setAfterCursor(afterCursor).build(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(EventRecord record) {
                        received.add(record);
                      }

                      @Override
                      public void onError(Throwable error) {
                        received.add(error);
                      }

                      @Override
                      public void onCompleted() {}
                    }));
    return context;
  }

  private static List<EventRecord> take(BlockingQueue<Object> received, int count)
      throws InterruptedException {
    List<EventRecord> records = new ArrayList<>();
    while (records.size() < count) {
      Object next = received.poll(20, TimeUnit.SECONDS);
      assertThat(next).as("event %d of %d", records.size() + 1, count).isNotNull();
      assertThat(next).isInstanceOf(EventRecord.class);
      records.add((EventRecord) next);
    }
    return records;
  }

  private ConversationServiceBlockingStub conversations(String tenant) {
    String key = TestingKeys.create(database, tenant, "conversation:read,conversation:write");
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return ConversationServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static CreateConversationRequest chat(String id, String text) {
    return CreateConversationRequest.newBuilder()
        .setConversationId(id)
        .setConversation(
            Conversation.newBuilder()
                .setKind(ConversationKind.CONVERSATION_KIND_CHAT)
                .addMessages(
                    Message.newBuilder()
                        .setId("m1")
                        .setRole("user")
                        .setContent(Value.newBuilder().setStringValue(text))))
        .build();
  }

  @Test
  void streamsEveryTenantsCommittedChangesInOrderAndResumesFromACursor() throws Exception {
    ConversationServiceBlockingStub acme = conversations("acme");
    ConversationServiceBlockingStub globex = conversations("globex");
    acme.createConversation(chat("a-1", "Where is my invoice?"));
    globex.createConversation(chat("g-1", "Reset my password"));
    // A create that fails (the id is taken) rolls back: no event.
    assertThatThrownBy(() -> acme.createConversation(chat("a-1", "again")))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.ALREADY_EXISTS));
    acme.deleteConversation(
        DeleteConversationRequest.newBuilder().setConversationId("a-1").build());

    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    Context.CancellableContext subscription = subscribe("", config.internalToken(), received);
    List<EventRecord> events = take(received, 3);
    assertThat(events)
        .extracting(
            record ->
                record.getEvent().getType()
                    + " "
                    + record.getEvent().getTenantId()
                    + " "
                    + record.getEvent().getSubjectId())
        .containsExactly(
            "conversation.upserted acme a-1",
            "conversation.upserted globex g-1",
            "conversation.deleted acme a-1");
    var first = events.getFirst().getEvent().getConversationUpserted();
    assertThat(first.getCreated()).isTrue();
    assertThat(first.getNewMessages(0).getText()).isEqualTo("Where is my invoice?");

    // New changes are pushed to the open stream.
    globex.createConversation(chat("g-2", "Export fails"));
    assertThat(take(received, 1).getFirst().getEvent().getSubjectId()).isEqualTo("g-2");
    assertThat(received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    subscription.cancel(null);

    // Resuming after the first event's cursor replays the rest, once.
    BlockingQueue<Object> resumed = new LinkedBlockingQueue<>();
    Context.CancellableContext again =
        subscribe(events.getFirst().getCursor(), config.internalToken(), resumed);
    assertThat(take(resumed, 3))
        .extracting(record -> record.getEvent().getSubjectId())
        .containsExactly("g-1", "a-1", "g-2");
    again.cancel(null);
  }

  @Test
  void onlyParleysServicesMayReadTheStream() throws Exception {
    BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    subscribe("", "wrong-token", received);
    Object answer = received.poll(20, TimeUnit.SECONDS);
    assertThat(Status.fromThrowable((Throwable) answer).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);

    // An API key, even one with every scope, is refused.
    String key = TestingKeys.create(database, "acme", "*");
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    var iterator =
        ConversationEventsServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .streamEvents(StreamEventsRequest.getDefaultInstance());
    assertThatThrownBy(iterator::hasNext)
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.PERMISSION_DENIED));
  }
}
