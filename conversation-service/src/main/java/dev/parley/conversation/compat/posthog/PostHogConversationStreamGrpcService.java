package dev.parley.conversation.compat.posthog;

import static java.util.Objects.requireNonNull;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.posthog.v1.PostHogConversationStreamServiceGrpc;
import dev.parley.compat.posthog.v1.StreamConversationRequest;
import dev.parley.conversation.domain.Assistant;
import dev.parley.conversation.domain.Assistant.Activity;
import dev.parley.conversation.domain.Assistant.RunRequest;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.RunEvent;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.proto.ProtoJson;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostHog AI's create/stream: a turn of the assistant (or the turn running now) as server-sent
 * events framed as PostHog frames them ({@code event: <type>\ndata: <json>\n\n}). The events are
 * read from the stored run, so a client re-attaches through any replica; the stream ends when the
 * run ends, unless a queued message's run follows, which the same stream carries on.
 */
public final class PostHogConversationStreamGrpcService
    extends PostHogConversationStreamServiceGrpc.PostHogConversationStreamServiceImplBase {
  /** PostHog's keepalive: an SSE comment after this much silence. */
  static final Duration KEEPALIVE = Duration.ofSeconds(15);

  static final int MAX_CONTENT = 40_000;
  static final String EVENT_STREAM = "text/event-stream";

  private static final Logger LOG =
      LoggerFactory.getLogger(PostHogConversationStreamGrpcService.class);

  private final Conversations conversations;
  private final Assistant assistant;

  @Inject
  public PostHogConversationStreamGrpcService(Conversations conversations, Assistant assistant) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.assistant = requireNonNull(assistant, "assistant is null");
  }

  @Override
  public void streamConversation(
      StreamConversationRequest request, StreamObserver<HttpBody> response) {
    String tenantId = PostHogRequests.tenant(request.getProjectId());
    Struct body = request.getBody();
    PostHogRequests.Turn turn = PostHogRequests.turn(body);
    Optional<Conversation> existing = conversations.summary(tenantId, turn.conversationId());
    Run run;
    if (existing.isEmpty()) {
      if (conversations.softDeleted(tenantId, turn.conversationId())) {
        throw ParleyException.notFound("Conversation does not exist")
            .withBody(PostHogRequests.error("Conversation does not exist"));
      }
      if (turn.content() == null) {
        throw new ParleyException(
                ErrorCode.INVALID_ARGUMENT, "Cannot stream from non-existent conversation")
            .withBody(PostHogRequests.error("Cannot stream from non-existent conversation"));
      }
      create(tenantId, turn.conversationId());
      run = startTurn(tenantId, turn);
    } else if (turn.content() != null) {
      if (activity(tenantId, turn.conversationId()) != Activity.IDLE) {
        throw conflict();
      }
      run = startTurn(tenantId, turn);
    } else {
      Optional<Run> active = assistant.activeRun(tenantId, turn.conversationId());
      if (active.isPresent()) {
        run = active.get();
      } else if (turn.resumePayload()) {
        // Nothing waits for an approval here: resuming answers the latest user message again.
        run = start(tenantId, turn.conversationId(), new RunRequest(null, null, false));
      } else {
        throw new ParleyException(
            ErrorCode.INVALID_ARGUMENT, "Cannot continue streaming from an idle conversation");
      }
    }
    ServerCallStreamObserver<HttpBody> stream = (ServerCallStreamObserver<HttpBody>) response;
    Events events = new Events(stream);
    // The first frames go out before the caller's thread returns: time to first byte is the
    // time to start the run.
    Conversation conversation = conversations.get(tenantId, turn.conversationId());
    Message question = turn.content() == null ? null : message(conversation, run.userMessageId());
    // A turn started here is in progress by construction (a quick run may have ended already).
    events.send(
        "conversation",
        PostHogMapping.minimalJson(
            conversation,
            question != null ? Activity.RUNNING : activity(tenantId, conversation.id())));
    if (question != null) {
      events.send("message", PostHogMapping.humanJson(question));
      events.send("status", "{\"type\":\"ack\"}");
    }
    Run following = run;
    Thread.ofVirtual()
        .name("posthog-stream-" + run.id())
        .start(() -> follow(tenantId, following, events));
  }

  private void follow(String tenantId, Run run, Events events) {
    try {
      assistant.follow(
          tenantId,
          run.conversationId(),
          run.id(),
          0,
          KEEPALIVE,
          new Assistant.FollowSink() {
            private final StringBuilder answer = new StringBuilder();

            /** Text read but not sent: the deltas read together go out as one message. */
            private boolean growing;

            @Override
            public boolean event(RunEvent.Stored stored) {
              if (!(stored.event() instanceof RunEvent.TextDelta)) {
                flush();
              }
              switch (stored.event()) {
                case RunEvent.TextDelta delta -> {
                  answer.append(delta.text());
                  growing = true;
                }
                case RunEvent.MessageCompleted completed ->
                    events.send(
                        "message", PostHogMapping.aiJson(completed.messageId(), completed.text()));
                case RunEvent.Finished finished -> {
                  if (finished.run().status() == Run.Status.FAILED) {
                    events.send("status", "{\"type\":\"generation_error\"}");
                  }
                }
                default -> {}
              }
              return events.open();
            }

            @Override
            public boolean flush() {
              if (growing) {
                growing = false;
                events.send("message", PostHogMapping.aiJson(null, answer.toString()));
              }
              return events.open();
            }

            @Override
            public boolean idle() {
              events.comment("keepalive");
              return events.open();
            }

            @Override
            public boolean nextTurn(Run next) {
              answer.setLength(0);
              Message queued =
                  message(conversations.get(tenantId, next.conversationId()), next.userMessageId());
              if (queued != null) {
                events.send("message", PostHogMapping.humanJson(queued));
              }
              return events.open();
            }
          });
    } catch (RuntimeException e) {
      LOG.atWarn().addKeyValue("runId", run.id()).setCause(e).log("A PostHog stream failed");
    } finally {
      events.close();
    }
  }

  private void create(String tenantId, String conversationId) {
    try {
      conversations.create(
          tenantId,
          "posthog",
          ConversationDraft.builder().id(conversationId).kind(ConversationKind.CHAT).build());
    } catch (ParleyException e) {
      if (e.code() != ErrorCode.ALREADY_EXISTS) {
        throw e;
      }
      // Another request created it a moment ago: its turn is next, or is refused as busy.
    }
  }

  /** Appends the human message and starts its run, once the run holds the conversation. */
  private Run startTurn(String tenantId, PostHogRequests.Turn turn) {
    MessageDraft question =
        MessageDraft.builder()
            .id(UUID.randomUUID().toString())
            .role("user")
            .contentJson(
                ProtoJson.toJson(Value.newBuilder().setStringValue(turn.content()).build()))
            .propertiesJson(ProtoJson.toJson(turn.properties()))
            .build();
    return start(
        tenantId,
        turn.conversationId(),
        RunRequest.newTurn(question, null, UUID.randomUUID().toString()));
  }

  private Run start(String tenantId, String conversationId, RunRequest request) {
    try {
      return assistant.start(tenantId, conversationId, request, event -> {}).run();
    } catch (ParleyException e) {
      throw e.code() == ErrorCode.ABORTED ? conflict() : e;
    }
  }

  private Activity activity(String tenantId, String conversationId) {
    return assistant.activity(tenantId, List.of(conversationId)).get(conversationId);
  }

  private static Message message(Conversation conversation, String messageId) {
    return conversation.messages().stream()
        .filter(message -> message.id().equals(messageId))
        .findFirst()
        .orElse(null);
  }

  private static ParleyException conflict() {
    return new ParleyException(ErrorCode.ABORTED, "Cannot resume streaming with a new message");
  }

  /** The SSE frames of one response, written from one thread at a time. */
  private static final class Events {
    private final ServerCallStreamObserver<HttpBody> stream;
    private boolean closed;

    Events(ServerCallStreamObserver<HttpBody> stream) {
      this.stream = stream;
    }

    synchronized void send(String event, String json) {
      write("event: " + event + "\ndata: " + json + "\n\n");
    }

    synchronized void comment(String text) {
      write(": " + text + "\n\n");
    }

    synchronized boolean open() {
      return !closed && !stream.isCancelled();
    }

    synchronized void close() {
      if (!closed) {
        closed = true;
        if (!stream.isCancelled()) {
          stream.onCompleted();
        }
      }
    }

    private void write(String frame) {
      if (closed || stream.isCancelled()) {
        return;
      }
      stream.onNext(
          HttpBody.newBuilder()
              .setContentType(EVENT_STREAM)
              .setData(ByteString.copyFrom(frame, StandardCharsets.UTF_8))
              .build());
    }
  }
}
