package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.parley.conversation.v1.AssistantServiceGrpc;
import dev.parley.conversation.v1.AssistantServiceGrpc.AssistantServiceBlockingStub;
import dev.parley.conversation.v1.CancelRunRequest;
import dev.parley.conversation.v1.GetRunRequest;
import dev.parley.conversation.v1.ListRunEventsRequest;
import dev.parley.conversation.v1.ProposeTitleRequest;
import dev.parley.conversation.v1.Run;
import dev.parley.conversation.v1.RunAssistantRequest;
import dev.parley.conversation.v1.RunEvent;
import dev.parley.conversation.v1.RunStatus;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.standalone.TestingParley.Response;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The native AssistantService on conversation-service: a run's events stream as they are stored, a
 * cancel closes the provider's stream and keeps the partial answer, one run per conversation at a
 * time, the stored events are the streamed ones, and another tenant sees none of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AssistantRunsTest {
  private TestingParley parley;
  private ManagedChannel channel;
  private String key;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", parley.servicePort("conversation-service"))
            .usePlaintext()
            .build();
    key = parley.key("assistant-runs", "conversation:read,conversation:write");
  }

  @AfterAll
  void stop() {
    channel.shutdownNow();
  }

  private AssistantServiceBlockingStub assistant(String key) {
    return TestingParley.withKey(AssistantServiceGrpc.newBlockingStub(channel), key);
  }

  /** A conversation with one user question, logged through Inkeep. */
  private void conversation(String id, String question) {
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            """
            {"id": "%s", "type": "openai",
             "messages": [{"id": "q1", "role": "user", "content": "%s"}]}
            """
                .formatted(id, question));
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
  }

  @Test
  void aRunStreamsItsEventsAndStoresThemAsStreamed() {
    conversation("runs-stream", "Hello?");
    List<RunEvent> streamed = new ArrayList<>();
    assistant(key)
        .runAssistant(
            RunAssistantRequest.newBuilder()
                .setConversationId("runs-stream")
                .setModel("gpt-oss-20b")
                .build())
        .forEachRemaining(streamed::add);

    assertThat(streamed.getFirst().getStarted().getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_RUNNING);
    assertThat(streamed.getLast().getFinished().getStatus())
        .isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
    StringBuilder text = new StringBuilder();
    streamed.stream()
        .filter(RunEvent::hasTextDelta)
        .forEach(event -> text.append(event.getTextDelta().getText()));
    assertThat(text).hasToString("Hello from the model [1].");
    assertThat(streamed)
        .extracting(RunEvent::getSequence)
        .isEqualTo(java.util.stream.IntStream.rangeClosed(1, streamed.size()).boxed().toList());
    RunEvent completed =
        streamed.stream().filter(RunEvent::hasMessageCompleted).findFirst().orElseThrow();
    Run finished = streamed.getLast().getFinished();
    assertThat(finished.getAssistantMessageId())
        .isEqualTo(completed.getMessageCompleted().getMessageId());
    assertThat(finished.getProvider()).isEqualTo("openai");
    assertThat(finished.getModel()).isEqualTo("echo");
    assertThat(finished.getRequestedModel()).isEqualTo("gpt-oss-20b");
    assertThat(finished.getUserMessageId()).isEqualTo("q1");
    assertThat(finished.getInputTokens()).isEqualTo(12);
    assertThat(finished.getOutputTokens()).isEqualTo(5);
    assertThat(finished.getStopReason()).isEqualTo("stop");

    String runId = finished.getId();
    List<RunEvent> stored =
        assistant(key)
            .listRunEvents(
                ListRunEventsRequest.newBuilder()
                    .setConversationId("runs-stream")
                    .setRunId(runId)
                    .build())
            .getEventsList();
    assertThat(stored).hasSameSizeAs(streamed);
    for (int i = 0; i < stored.size(); i++) {
      assertThat(stored.get(i).getKindCase()).isEqualTo(streamed.get(i).getKindCase());
    }
    assertThat(
            assistant(key)
                .listRunEvents(
                    ListRunEventsRequest.newBuilder()
                        .setConversationId("runs-stream")
                        .setRunId(runId)
                        .setAfterSequence(stored.size() - 1)
                        .build())
                .getEventsList())
        .extracting(RunEvent::getKindCase)
        .containsExactly(RunEvent.KindCase.FINISHED);
    // The answer is a message of the conversation, after the question.
    Response inkeep = parley.send("GET", "/inkeep/conversations/runs-stream", key, null);
    assertThat(inkeep.json().get("messages")).hasSize(2);
    assertThat(inkeep.json().at("/messages/1/role").asText()).isEqualTo("assistant");
    assertThat(
            assistant(key)
                .proposeTitle(
                    ProposeTitleRequest.newBuilder().setConversationId("runs-stream").build())
                .getTitle())
        .isEqualTo("Hello");
  }

  @Test
  void aCancelStopsTheProviderKeepsThePartialAnswerAndFreesTheConversation()
      throws InterruptedException {
    conversation("runs-cancel", "Tell me a long story");
    int closedBefore = TestingParley.OPENAI.closedByClient();
    Iterator<RunEvent> events =
        assistant(key)
            .runAssistant(
                RunAssistantRequest.newBuilder()
                    .setConversationId("runs-cancel")
                    .setModel("gpt-oss-120b")
                    .build());
    Run started = events.next().getStarted();
    RunEvent firstDelta = events.next();
    assertThat(firstDelta.hasTextDelta()).isTrue();

    // One run per conversation at a time.
    assertThatThrownBy(
            () ->
                assistant(key)
                    .runAssistant(
                        RunAssistantRequest.newBuilder().setConversationId("runs-cancel").build())
                    .next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED));

    // Another tenant can neither see nor cancel it.
    String other = parley.key("assistant-runs-other", "conversation:read,conversation:write");
    CancelRunRequest cancel =
        CancelRunRequest.newBuilder()
            .setConversationId("runs-cancel")
            .setRunId(started.getId())
            .build();
    assertThatThrownBy(() -> assistant(other).cancelRun(cancel))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

    assistant(key).cancelRun(cancel);
    RunEvent last = firstDelta;
    StringBuilder text = new StringBuilder(firstDelta.getTextDelta().getText());
    while (events.hasNext()) {
      last = events.next();
      if (last.hasTextDelta()) {
        text.append(last.getTextDelta().getText());
      }
    }
    Run finished = last.getFinished();
    assertThat(finished.getStatus()).isEqualTo(RunStatus.RUN_STATUS_CANCELLED);
    assertThat(finished.getStopReason()).isEqualTo("cancelled");
    assertThat(text.toString()).startsWith("word ").hasSizeLessThan(300 * 5);
    assertThat(
            assistant(key)
                .getRun(
                    GetRunRequest.newBuilder()
                        .setConversationId("runs-cancel")
                        .setRunId(started.getId())
                        .build()))
        .isEqualTo(finished);
    // The partial answer is kept.
    Response inkeep = parley.send("GET", "/inkeep/conversations/runs-cancel", key, null);
    assertThat(inkeep.json().at("/messages/1/content").toString())
        .contains(text.toString().strip());
    // The provider's stream was closed.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (TestingParley.OPENAI.closedByClient() == closedBefore && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(TestingParley.OPENAI.closedByClient()).isGreaterThan(closedBefore);
    // The conversation can be answered again.
    List<RunEvent> again = new ArrayList<>();
    assistant(key)
        .runAssistant(
            RunAssistantRequest.newBuilder()
                .setConversationId("runs-cancel")
                .setMessageId("q1")
                .build())
        .forEachRemaining(again::add);
    assertThat(again.getLast().getFinished().getStatus()).isEqualTo(RunStatus.RUN_STATUS_SUCCEEDED);
  }

  @Test
  void aRunNeedsAUserMessageAndAKnownModel() {
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            "{\"id\": \"runs-empty\", \"type\": \"openai\", \"messages\": [{\"role\":"
                + " \"assistant\", \"content\": \"Welcome!\"}]}");
    assertThat(logged.status()).isEqualTo(200);
    assertThatThrownBy(
            () ->
                assistant(key)
                    .runAssistant(
                        RunAssistantRequest.newBuilder().setConversationId("runs-empty").build())
                    .next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    conversation("runs-model", "Hi");
    assertThatThrownBy(
            () ->
                assistant(key)
                    .runAssistant(
                        RunAssistantRequest.newBuilder()
                            .setConversationId("runs-model")
                            .setModel("no-such-model")
                            .build())
                    .next())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void aQueuedMessageRunsAtOnceOnAnIdleConversationAndTheQueueIsBounded() {
    conversation("runs-queue", "First #echo");
    dev.parley.conversation.v1.QueuedMessages queued =
        assistant(key)
            .enqueueMessage(
                dev.parley.conversation.v1.EnqueueMessageRequest.newBuilder()
                    .setConversationId("runs-queue")
                    .setMessage(
                        dev.parley.conversation.v1.QueuedMessage.newBuilder()
                            .setContent("Queued while idle"))
                    .build());
    // No run answered the conversation: the message left the queue as a turn at once.
    assertThat(queued.getMessagesList()).isEmpty();
    assertThat(queued.getMaxMessages()).isEqualTo(2);
    Response conversation =
        eventually(
            () -> parley.send("GET", "/inkeep/conversations/runs-queue", key, null),
            answer -> answer.json().get("messages").size() == 3);
    assertThat(conversation.json().at("/messages/1/content").asText())
        .isEqualTo("Queued while idle");
    assertThat(conversation.json().at("/messages/1/role").asText()).isEqualTo("user");

    StatusRuntimeException blank =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                assistant(key)
                    .enqueueMessage(
                        dev.parley.conversation.v1.EnqueueMessageRequest.newBuilder()
                            .setConversationId("runs-queue")
                            .setMessage(
                                dev.parley.conversation.v1.QueuedMessage.newBuilder()
                                    .setContent(" "))
                            .build()));
    assertThat(blank.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    StatusRuntimeException foreign =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                assistant(parley.key("assistant-runs-other", "*"))
                    .listQueuedMessages(
                        dev.parley.conversation.v1.ListQueuedMessagesRequest.newBuilder()
                            .setConversationId("runs-queue")
                            .build()));
    assertThat(foreign.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void aQueueLeftWithoutARunIsDrainedByAnyReplicasSupervisor() throws Exception {
    conversation("runs-orphan-queue", "Hello #echo");
    // As a replica that died between two turns leaves it: a queued message and no run.
    DatabaseConfig database = parley.database();
    try (Connection owner =
            DriverManager.getConnection(
                database.jdbcUrl(), database.ownerUser(), database.ownerPassword());
        Statement statement = owner.createStatement()) {
      statement.execute(
          "INSERT INTO conversation.queued_message"
              + " (tenant_id, conversation_id, id, content, context, create_time, expire_time)"
              + " VALUES ('assistant-runs', 'runs-orphan-queue',"
              + " '0b7d6d0c-4d8e-4a57-9b3c-2f1e0a9c8d7e', 'Left behind #echo', '{}', now(),"
              + " now() + interval '1 hour')");
    }
    Response answered =
        eventually(
            () -> parley.send("GET", "/inkeep/conversations/runs-orphan-queue", key, null),
            answer -> answer.json().get("messages").size() == 3);
    assertThat(answered.json().at("/messages/1/id").asText())
        .isEqualTo("0b7d6d0c-4d8e-4a57-9b3c-2f1e0a9c8d7e");
    assertThat(answered.json().at("/messages/2/role").asText()).isEqualTo("assistant");
  }

  @Test
  void aReplyIsDraftedWithoutWritingAnything() {
    conversation("runs-draft", "Can you help? #echo");
    String draft =
        assistant(key)
            .draftReply(
                dev.parley.conversation.v1.DraftReplyRequest.newBuilder()
                    .setConversationId("runs-draft")
                    .build())
            .getText();
    assertThat(draft).isNotBlank();
    assertThat(
            parley
                .send("GET", "/inkeep/conversations/runs-draft", key, null)
                .json()
                .get("messages"))
        .hasSize(1);
  }
}
