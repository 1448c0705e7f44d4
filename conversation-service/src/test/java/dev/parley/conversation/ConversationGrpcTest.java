package dev.parley.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import dev.parley.compat.inkeep.v1.CreateMessage;
import dev.parley.compat.inkeep.v1.InkeepConversationsServiceGrpc;
import dev.parley.compat.inkeep.v1.LogConversationRequest;
import dev.parley.conversation.v1.BatchDeleteConversationsRequest;
import dev.parley.conversation.v1.BatchDeleteConversationsResponse;
import dev.parley.conversation.v1.Conversation;
import dev.parley.conversation.v1.ConversationKind;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationServiceGrpc.ConversationServiceBlockingStub;
import dev.parley.conversation.v1.ConversationView;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.CreateMessageRequest;
import dev.parley.conversation.v1.DeleteConversationRequest;
import dev.parley.conversation.v1.EndUser;
import dev.parley.conversation.v1.GetConversationRequest;
import dev.parley.conversation.v1.ListConversationsRequest;
import dev.parley.conversation.v1.ListConversationsResponse;
import dev.parley.conversation.v1.Message;
import dev.parley.conversation.v1.MessageFeedback;
import dev.parley.conversation.v1.SearchConversationsRequest;
import dev.parley.conversation.v1.SearchConversationsResponse;
import dev.parley.conversation.v1.SetMessageFeedbackRequest;
import dev.parley.conversation.v1.UpdateConversationRequest;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.platform.testing.TestingKeys;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** conversation-service over real gRPC on loopback, on real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationGrpcTest {
  private ParleyService service;
  private ManagedChannel channel;
  private DatabaseConfig database;
  private String acmeKey;
  private String globexKey;
  private String readOnlyKey;

  @BeforeAll
  void start() {
    database = TestingDatabase.newDatabase();
    service =
        ParleyService.start(ConversationServer.DEFINITION, database, ServerConfig.forTesting());
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
    acmeKey = TestingKeys.create(database, "acme", "conversation:read,conversation:write");
    globexKey = TestingKeys.create(database, "globex", "*");
    readOnlyKey = TestingKeys.create(database, "acme", "conversation:read");
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
    service.close();
  }

  @Test
  void reportsServingOnTheHealthServiceWithoutAKey() {
    var health = HealthGrpc.newBlockingStub(channel);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(
            health
                .check(
                    HealthCheckRequest.newBuilder()
                        .setService(ConversationServiceGrpc.SERVICE_NAME)
                        .build())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void createsGetsUpdatesAndDeletesAConversation() {
    ConversationServiceBlockingStub acme = stub(acmeKey);
    Conversation created =
        acme.createConversation(
            CreateConversationRequest.newBuilder()
                .setConversationId("native-1")
                .setConversation(chat("Refund question", "How do I get a refund?", "Open Settings"))
                .build());

    assertThat(created.getId()).isEqualTo("native-1");
    assertThat(created.getSource()).isEqualTo("native");
    assertThat(created.getMessagesList())
        .extracting(Message::getRole)
        .containsExactly("user", "assistant");
    assertThat(created.getMessages(1).getParentId()).isEqualTo(created.getMessages(0).getId());

    Conversation renamed =
        acme.updateConversation(
            UpdateConversationRequest.newBuilder()
                .setConversation(Conversation.newBuilder().setId("native-1").setTitle("Refunds"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("title"))
                .build());
    assertThat(renamed.getTitle()).isEqualTo("Refunds");
    assertThat(renamed.getMessagesCount()).isEqualTo(2);

    Conversation fetched =
        acme.getConversation(
            GetConversationRequest.newBuilder().setConversationId("native-1").build());
    assertThat(fetched).isEqualTo(renamed);

    acme.deleteConversation(
        DeleteConversationRequest.newBuilder().setConversationId("native-1").build());
    assertThatThrownBy(
            () ->
                acme.getConversation(
                    GetConversationRequest.newBuilder().setConversationId("native-1").build()))
        .satisfies(
            thrown ->
                assertThat(Status.fromThrowable(thrown).getCode())
                    .isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void updateWithAllowMissingCreatesAndReplacesMessages() {
    ConversationServiceBlockingStub acme = stub(acmeKey);
    Conversation upserted =
        acme.updateConversation(
            UpdateConversationRequest.newBuilder()
                .setConversation(chat("Upsert", "one", "two").toBuilder().setId("native-upsert"))
                .setAllowMissing(true)
                .build());
    Conversation replaced =
        acme.updateConversation(
            UpdateConversationRequest.newBuilder()
                .setConversation(
                    Conversation.newBuilder()
                        .setId("native-upsert")
                        .addMessages(Message.newBuilder().setRole("user").setContent(text("only"))))
                .setUpdateMask(FieldMask.newBuilder().addPaths("messages"))
                .build());

    assertThat(upserted.getMessagesCount()).isEqualTo(2);
    assertThat(replaced.getTitle()).isEqualTo("Upsert");
    assertThat(replaced.getMessagesList())
        .extracting(m -> m.getContent().getStringValue())
        .containsExactly("only");
    // A message resent without an id at the same position keeps its id.
    assertThat(replaced.getMessages(0).getId()).isEqualTo(upserted.getMessages(0).getId());
  }

  @Test
  void listsWithPageTokensNewestFirst() {
    ConversationServiceBlockingStub globex = stub(globexKey);
    for (int i = 0; i < 5; i++) {
      globex.createConversation(
          CreateConversationRequest.newBuilder()
              .setConversationId("page-" + i)
              .setConversation(
                  chat("Page " + i, "q", "a").toBuilder()
                      .setCreateTime(
                          com.google.protobuf.Timestamp.newBuilder()
                              .setSeconds(1_700_000_000L + i)))
              .build());
    }
    List<String> ids = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListConversationsResponse page =
          globex.listConversations(
              ListConversationsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
      page.getConversationsList().forEach(c -> ids.add(c.getId()));
      assertThat(page.getTotalSize()).isEqualTo(5);
      assertThat(page.getConversationsList())
          .allSatisfy(c -> assertThat(c.getMessagesList()).isEmpty());
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty());

    assertThat(ids).containsExactly("page-4", "page-3", "page-2", "page-1", "page-0");
    assertThat(pages).isEqualTo(3);
    assertThat(
            globex
                .listConversations(
                    ListConversationsRequest.newBuilder()
                        .setPageSize(1)
                        .setView(ConversationView.CONVERSATION_VIEW_FULL)
                        .build())
                .getConversations(0)
                .getMessagesCount())
        .isEqualTo(2);
    assertThatThrownBy(
            () ->
                globex.listConversations(
                    ListConversationsRequest.newBuilder().setPageToken("!!").build()))
        .satisfies(
            thrown ->
                assertThat(Status.fromThrowable(thrown).getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void refusesCallsWithoutAValidKeyOrScope() {
    var noKey = ConversationServiceGrpc.newBlockingStub(channel);
    assertCode(
        () -> noKey.listConversations(ListConversationsRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertCode(
        () -> stub("pk_not-a-key").listConversations(ListConversationsRequest.getDefaultInstance()),
        Status.Code.UNAUTHENTICATED);
    assertCode(
        () ->
            stub(readOnlyKey)
                .createConversation(
                    CreateConversationRequest.newBuilder()
                        .setConversation(chat("x", "y", "z"))
                        .build()),
        Status.Code.PERMISSION_DENIED);
  }

  @Test
  void anotherTenantsConversationDoesNotExistForTheCaller() {
    stub(acmeKey)
        .createConversation(
            CreateConversationRequest.newBuilder()
                .setConversationId("acme-secret")
                .setConversation(chat("Secret", "a", "b"))
                .build());
    ConversationServiceBlockingStub globex = stub(globexKey);

    assertCode(
        () ->
            globex.getConversation(
                GetConversationRequest.newBuilder().setConversationId("acme-secret").build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () ->
            globex.deleteConversation(
                DeleteConversationRequest.newBuilder().setConversationId("acme-secret").build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () ->
            globex.updateConversation(
                UpdateConversationRequest.newBuilder()
                    .setConversation(
                        Conversation.newBuilder().setId("acme-secret").setTitle("mine"))
                    .build()),
        Status.Code.NOT_FOUND);
    assertThat(
            globex
                .listConversations(ListConversationsRequest.newBuilder().setExternalId("x").build())
                .getConversationsList())
        .isEmpty();
    assertThat(
            stub(acmeKey)
                .getConversation(
                    GetConversationRequest.newBuilder().setConversationId("acme-secret").build())
                .getTitle())
        .isEqualTo("Secret");
  }

  @Test
  void handlesStateFiltersOrdersSearchMessagesFeedbackAndBatchDelete() {
    ConversationServiceBlockingStub helpdesk =
        stub(TestingKeys.create(database, "helpdesk", "conversation:read,conversation:write"));
    for (String id : List.of("h-1", "h-2", "h-3")) {
      helpdesk.createConversation(
          CreateConversationRequest.newBuilder()
              .setConversationId(id)
              .setConversation(chat("Topic " + id, "Printer jam on floor " + id, "Restart it"))
              .build());
    }
    Conversation assigned =
        helpdesk.updateConversation(
            UpdateConversationRequest.newBuilder()
                .setConversation(
                    Conversation.newBuilder()
                        .setId("h-2")
                        .setState("open")
                        .setAssignee("sam@example.com")
                        .addCategories("hardware")
                        .setEndUser(EndUser.newBuilder().setId("u-42").setEmail("u@example.com")))
                .setUpdateMask(
                    FieldMask.newBuilder()
                        .addPaths("state")
                        .addPaths("assignee")
                        .addPaths("categories")
                        .addPaths("end_user"))
                .build());
    assertThat(assigned.getState()).isEqualTo("open");
    assertThat(assigned.getEndUser().getId()).isEqualTo("u-42");
    assertThat(assigned.getMessagesCount()).isEqualTo(2);

    assertThat(
            ids(
                helpdesk.listConversations(
                    ListConversationsRequest.newBuilder()
                        .setFilter(
                            "state = \"open\" AND category = \"hardware\" AND end_user.id = \"u-42\"")
                        .build())))
        .containsExactly("h-2");
    assertThat(
            ids(
                helpdesk.listConversations(
                    ListConversationsRequest.newBuilder().setOrderBy("create_time").build())))
        .containsExactly("h-1", "h-2", "h-3");
    ListConversationsResponse firstPage =
        helpdesk.listConversations(
            ListConversationsRequest.newBuilder()
                .setOrderBy("update_time desc")
                .setPageSize(1)
                .build());
    assertThat(ids(firstPage)).containsExactly("h-2");
    assertCode(
        () ->
            helpdesk.listConversations(
                ListConversationsRequest.newBuilder()
                    .setOrderBy("create_time")
                    .setPageToken(firstPage.getNextPageToken())
                    .build()),
        Status.Code.INVALID_ARGUMENT);
    assertCode(
        () ->
            helpdesk.listConversations(
                ListConversationsRequest.newBuilder().setFilter("color = \"red\"").build()),
        Status.Code.INVALID_ARGUMENT);
    assertCode(
        () ->
            helpdesk.listConversations(
                ListConversationsRequest.newBuilder().setOrderBy("title").build()),
        Status.Code.INVALID_ARGUMENT);

    Message appended =
        helpdesk.createMessage(
            CreateMessageRequest.newBuilder()
                .setConversationId("h-3")
                .setMessage(
                    Message.newBuilder().setRole("assistant").setContent(text("Toner replaced")))
                .build());
    Conversation h3 =
        helpdesk.getConversation(
            GetConversationRequest.newBuilder().setConversationId("h-3").build());
    assertThat(h3.getMessagesList()).extracting(Message::getId).endsWith(appended.getId());
    assertThat(appended.getParentId()).isEqualTo(h3.getMessages(1).getId());
    assertThat(h3.hasLastMessageTime()).isTrue();

    MessageFeedback feedback =
        helpdesk.setMessageFeedback(
            SetMessageFeedbackRequest.newBuilder()
                .setConversationId("h-3")
                .setMessageId(appended.getId())
                .setFeedback(
                    MessageFeedback.newBuilder()
                        .setRating(MessageFeedback.Rating.RATING_NEGATIVE)
                        .addReasons("notFactuallyCorrect")
                        .setComment("Toner was fine"))
                .build());
    assertThat(feedback.getId()).isNotEmpty();
    assertThat(feedback.getMessageId()).isEqualTo(appended.getId());
    assertCode(
        () ->
            helpdesk.setMessageFeedback(
                SetMessageFeedbackRequest.newBuilder()
                    .setConversationId("h-3")
                    .setMessageId("nope")
                    .setFeedback(
                        MessageFeedback.newBuilder()
                            .setRating(MessageFeedback.Rating.RATING_POSITIVE))
                    .build()),
        Status.Code.NOT_FOUND);

    SearchConversationsResponse found =
        helpdesk.searchConversations(
            SearchConversationsRequest.newBuilder().setQuery("toner").build());
    assertThat(found.getResultsList()).hasSize(1);
    assertThat(found.getResults(0).getConversation().getId()).isEqualTo("h-3");
    assertThat(found.getResults(0).getMessageHighlightsList())
        .containsExactly("<em>Toner</em> replaced");
    assertCode(
        () -> helpdesk.searchConversations(SearchConversationsRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT);

    BatchDeleteConversationsResponse deleted =
        helpdesk.batchDeleteConversations(
            BatchDeleteConversationsRequest.newBuilder()
                .addConversationIds("h-1")
                .addConversationIds("h-9")
                .build());
    assertThat(deleted.getDeletedConversationIdsList()).containsExactly("h-1");
    assertThat(deleted.getFailedConversationIdsList()).containsExactly("h-9");
    assertThat(ids(helpdesk.listConversations(ListConversationsRequest.getDefaultInstance())))
        .containsExactly("h-3", "h-2");
    assertCode(
        () ->
            helpdesk.batchDeleteConversations(BatchDeleteConversationsRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT);

    // Another tenant finds nothing to search, append to, rate or delete.
    ConversationServiceBlockingStub globex = stub(globexKey);
    assertThat(
            globex
                .searchConversations(
                    SearchConversationsRequest.newBuilder().setQuery("toner").build())
                .getResultsList())
        .isEmpty();
    assertCode(
        () ->
            globex.createMessage(
                CreateMessageRequest.newBuilder()
                    .setConversationId("h-3")
                    .setMessage(Message.newBuilder().setRole("user").setContent(text("hi")))
                    .build()),
        Status.Code.NOT_FOUND);
    assertCode(
        () ->
            globex.setMessageFeedback(
                SetMessageFeedbackRequest.newBuilder()
                    .setConversationId("h-3")
                    .setMessageId(appended.getId())
                    .setFeedback(
                        MessageFeedback.newBuilder()
                            .setRating(MessageFeedback.Rating.RATING_POSITIVE))
                    .build()),
        Status.Code.NOT_FOUND);
    assertThat(
            globex
                .batchDeleteConversations(
                    BatchDeleteConversationsRequest.newBuilder().addConversationIds("h-3").build())
                .getFailedConversationIdsList())
        .containsExactly("h-3");
    assertThat(
            globex
                .listConversations(
                    ListConversationsRequest.newBuilder().setFilter("state = \"open\"").build())
                .getConversationsList())
        .isEmpty();
    assertThat(
            helpdesk
                .getConversation(
                    GetConversationRequest.newBuilder().setConversationId("h-3").build())
                .getMessagesCount())
        .isEqualTo(3);
  }

  private static List<String> ids(ListConversationsResponse response) {
    return response.getConversationsList().stream().map(Conversation::getId).toList();
  }

  @Test
  void badInputIsInvalidArgumentWithFieldViolationsAndErrorInfo() {
    StatusRuntimeException thrown =
        (StatusRuntimeException)
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    stub(acmeKey)
                        .createConversation(
                            CreateConversationRequest.newBuilder()
                                .setConversation(
                                    Conversation.newBuilder()
                                        .setKind(ConversationKind.CONVERSATION_KIND_CHAT)
                                        .addMessages(
                                            Message.newBuilder().setContent(text("no role"))))
                                .build()));

    com.google.rpc.Status status = StatusProto.fromThrowable(thrown);
    assertThat(thrown.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getMessage()).isEqualTo("messages[0].role: is required");
    assertThat(status.getDetailsList())
        .anySatisfy(detail -> assertThat(detail.is(ErrorInfo.class)).isTrue());
    assertThat(status.getDetailsList())
        .filteredOn(detail -> detail.is(BadRequest.class))
        .singleElement()
        .satisfies(
            detail ->
                assertThat(detail.unpack(BadRequest.class).getFieldViolations(0).getField())
                    .isEqualTo("messages[0].role"));
    assertCode(
        () ->
            stub(acmeKey)
                .createConversation(
                    CreateConversationRequest.newBuilder()
                        .setConversation(Conversation.getDefaultInstance())
                        .build()),
        Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void aConversationLoggedThroughInkeepIsTheSameConversationNatively() {
    var inkeep = attach(InkeepConversationsServiceGrpc.newBlockingStub(channel), acmeKey);
    inkeep.logConversation(
        LogConversationRequest.newBuilder()
            .setId("from-inkeep")
            .setType("openai")
            .setProperties(
                com.google.protobuf.Value.newBuilder()
                    .setStructValue(Struct.newBuilder().putFields("page", text("/docs"))))
            .addMessages(CreateMessage.newBuilder().setRole("user").setContent(text("hello")))
            .build());

    Conversation conversation =
        stub(acmeKey)
            .getConversation(
                GetConversationRequest.newBuilder().setConversationId("from-inkeep").build());

    assertThat(conversation.getSource()).isEqualTo("inkeep");
    assertThat(conversation.getKind()).isEqualTo(ConversationKind.CONVERSATION_KIND_CHAT);
    assertThat(conversation.getProperties().getFieldsOrThrow("page").getStringValue())
        .isEqualTo("/docs");
    assertThat(conversation.getMessages(0).getContent().getStringValue()).isEqualTo("hello");
  }

  private ConversationServiceBlockingStub stub(String key) {
    return attach(ConversationServiceGrpc.newBlockingStub(channel), key);
  }

  private static <S extends AbstractStub<S>> S attach(S stub, String key) {
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static Conversation chat(String title, String question, String answer) {
    return Conversation.newBuilder()
        .setKind(ConversationKind.CONVERSATION_KIND_CHAT)
        .setTitle(title)
        .addMessages(Message.newBuilder().setRole("user").setContent(text(question)))
        .addMessages(Message.newBuilder().setRole("assistant").setContent(text(answer)))
        .build();
  }

  private static Value text(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

  private static void assertCode(Runnable call, Status.Code code) {
    assertThatThrownBy(call::run)
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(thrown -> assertThat(Status.fromThrowable(thrown).getCode()).isEqualTo(code));
  }
}
