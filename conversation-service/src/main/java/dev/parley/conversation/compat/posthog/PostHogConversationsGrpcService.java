package dev.parley.conversation.compat.posthog;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.posthog.v1.AppendMessageRequest;
import dev.parley.compat.posthog.v1.AppendMessageResponse;
import dev.parley.compat.posthog.v1.CancelConversationRequest;
import dev.parley.compat.posthog.v1.ClearQueueRequest;
import dev.parley.compat.posthog.v1.Conversation;
import dev.parley.compat.posthog.v1.DeleteConversationRequest;
import dev.parley.compat.posthog.v1.DeleteQueuedRequest;
import dev.parley.compat.posthog.v1.EnqueueRequest;
import dev.parley.compat.posthog.v1.GetConversationRequest;
import dev.parley.compat.posthog.v1.GetQueueRequest;
import dev.parley.compat.posthog.v1.ListConversationsRequest;
import dev.parley.compat.posthog.v1.ListConversationsResponse;
import dev.parley.compat.posthog.v1.PostHogConversationsServiceGrpc;
import dev.parley.compat.posthog.v1.QueueResponse;
import dev.parley.compat.posthog.v1.UpdateQueuedRequest;
import dev.parley.conversation.domain.Assistant;
import dev.parley.conversation.domain.Assistant.Activity;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationStore.Query;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.QueuedMessage;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.paging.OffsetPage;
import dev.parley.platform.paging.PageLinks;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.time.Iso8601;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/** PostHog AI's conversation endpoints that need no assistant run, over the one store. */
public final class PostHogConversationsGrpcService
    extends PostHogConversationsServiceGrpc.PostHogConversationsServiceImplBase {
  /** PostHog's alias, in paths, for the key's own project. */
  private static final String CURRENT_PROJECT = "@current";

  private static final String PROJECT = "Project";

  /** PostHog's alias for the key's own project. */
  private static final String CURRENT = "@current";

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final int MAX_CONTENT = 10_000;

  /** Where PostHog's clients send their session id. */
  private static final String SESSION_HEADER = "x-posthog-session-id";

  private final Conversations conversations;
  private final Assistant assistant;

  @Inject
  public PostHogConversationsGrpcService(Conversations conversations, Assistant assistant) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.assistant = requireNonNull(assistant, "assistant is null");
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    String tenantId = tenant(request.getProjectId());
    // DRF's LimitOffsetPagination: what is not a usable number falls back to the default, and a
    // limit above the maximum is clamped.
    OffsetPage paging =
        OffsetPage.lenient(request.getLimit(), request.getOffset(), DEFAULT_LIMIT, MAX_LIMIT);
    Conversations.Page page =
        conversations.list(
            tenantId,
            new Query(
                ConversationFilter.ALL,
                SortOrder.UPDATED_DESC,
                paging.offset(),
                paging.limit(),
                null),
            false);
    String path = "/posthog/api/environments/" + request.getProjectId() + "/conversations/";
    ListConversationsResponse.Builder result =
        ListConversationsResponse.newBuilder()
            .setCount(page.total())
            .setNext(link(path, paging, paging.next(page.conversations().size(), page.total())))
            .setPrevious(link(path, paging, paging.previous()));
    Map<String, Activity> activity =
        assistant.activity(
            tenantId,
            page.conversations().stream()
                .map(dev.parley.conversation.domain.Conversation::id)
                .toList());
    page.conversations()
        .forEach(
            item -> result.addResults(PostHogMapping.toMinimal(item, activity.get(item.id()))));
    respond(response, result.build());
  }

  @Override
  public void getConversation(
      GetConversationRequest request, StreamObserver<Conversation> response) {
    String tenantId = tenant(request.getProjectId());
    dev.parley.conversation.domain.Conversation conversation =
        conversations.get(tenantId, request.getConversation());
    respond(
        response,
        PostHogMapping.toConversation(
            conversation,
            assistant.activity(tenantId, List.of(conversation.id())).get(conversation.id())));
  }

  @Override
  public void appendMessage(
      AppendMessageRequest request, StreamObserver<AppendMessageResponse> response) {
    String tenantId = tenant(request.getProjectId());
    if (!request.hasContent()) {
      throw ParleyException.invalidArgument("content", "This field is required.");
    }
    if (request.getContent().length() > MAX_CONTENT) {
      throw ParleyException.invalidArgument(
          "content", "Ensure this field has no more than " + MAX_CONTENT + " characters.");
    }
    Message appended =
        conversations.append(
            tenantId,
            request.getConversation(),
            MessageDraft.builder()
                .id(UUID.randomUUID().toString())
                .role("assistant")
                .contentJson(
                    ProtoJson.toJson(
                        Value.newBuilder().setStringValue(request.getContent()).build()))
                .build());
    respond(response, AppendMessageResponse.newBuilder().setId(appended.id()).build());
  }

  @Override
  public void cancelConversation(
      CancelConversationRequest request, StreamObserver<Empty> response) {
    // Already cancelling, or idle between two turns: accepted all the same, as PostHog does.
    assistant.cancelActive(tenant(request.getProjectId()), request.getConversation());
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void getQueue(GetQueueRequest request, StreamObserver<QueueResponse> response) {
    String tenantId = queueTenant(request.getProjectId(), request.getConversation());
    respond(response, queue(assistant.queue(tenantId, request.getConversation())));
  }

  @Override
  public void enqueue(EnqueueRequest request, StreamObserver<QueueResponse> response) {
    String tenantId = queueTenant(request.getProjectId(), request.getConversation());
    Map<String, Value> body = request.getBody().getFieldsMap();
    String content = PostHogRequests.content(body.get("content"), false);
    Struct.Builder context = PostHogRequests.context(body);
    String session = CallContext.header(SESSION_HEADER);
    if (session != null) {
      context.putFields("session_id", PostHogRequests.string(session));
    }
    try {
      respond(
          response,
          queue(
              assistant.enqueue(
                  tenantId,
                  request.getConversation(),
                  content,
                  ProtoJson.toJson(context.build()))));
    } catch (ParleyException e) {
      if (e.code() != ErrorCode.RESOURCE_EXHAUSTED) {
        throw e;
      }
      throw new ParleyException(ErrorCode.ABORTED, e.getMessage())
          .withBody(
              "{\"error\":\"queue_full\",\"detail\":\"Only two messages can be queued at a"
                  + " time.\"}");
    }
  }

  @Override
  public void clearQueue(ClearQueueRequest request, StreamObserver<QueueResponse> response) {
    String tenantId = queueTenant(request.getProjectId(), request.getConversation());
    assistant.clearQueue(tenantId, request.getConversation());
    respond(response, queue(List.of()));
  }

  @Override
  public void updateQueued(UpdateQueuedRequest request, StreamObserver<QueueResponse> response) {
    String tenantId = queueTenant(request.getProjectId(), request.getConversation());
    String content =
        PostHogRequests.content(request.getBody().getFieldsMap().get("content"), false);
    respond(
        response,
        queue(
            queued(
                () ->
                    assistant.updateQueued(
                        tenantId, request.getConversation(), request.getQueueId(), content))));
  }

  @Override
  public void deleteQueued(DeleteQueuedRequest request, StreamObserver<QueueResponse> response) {
    String tenantId = queueTenant(request.getProjectId(), request.getConversation());
    respond(
        response,
        queue(
            queued(
                () ->
                    assistant.deleteQueued(
                        tenantId, request.getConversation(), request.getQueueId()))));
  }

  /**
   * The tenant of a queue route whose conversation exists: PostHog's queue routes answer an unknown
   * conversation with their own body.
   */
  private String queueTenant(String projectId, String conversationId) {
    String tenantId = tenant(projectId);
    if (conversations.summary(tenantId, conversationId).isEmpty()) {
      throw ParleyException.notFound("Conversation not found")
          .withBody(PostHogRequests.error("Conversation not found"));
    }
    return tenantId;
  }

  /** A queue change; an unknown queue id answers PostHog's {"detail": ...}. */
  private static List<QueuedMessage> queued(Supplier<List<QueuedMessage>> change) {
    try {
      return change.get();
    } catch (ParleyException e) {
      if (e.code() != ErrorCode.NOT_FOUND) {
        throw e;
      }
      throw ParleyException.notFound("Queue message not found.")
          .withBody("{\"detail\":\"Queue message not found.\"}");
    }
  }

  /** {messages, max_queue_messages}. */
  private static QueueResponse queue(List<QueuedMessage> messages) {
    QueueResponse.Builder result =
        QueueResponse.newBuilder().setMaxQueueMessages(Assistant.MAX_QUEUED);
    for (QueuedMessage message : messages) {
      Struct context = ProtoJson.toStruct(message.contextJson());
      Struct.Builder item =
          Struct.newBuilder()
              .putFields("id", PostHogRequests.string(message.id()))
              .putFields("content", PostHogRequests.string(message.content()))
              .putFields(
                  "created_at", PostHogRequests.string(Iso8601.format(message.createTime())));
      for (String field :
          new String[] {
            "contextual_tools", "ui_context", "billing_context", "agent_mode", "session_id"
          }) {
        item.putFields(field, context.getFieldsOrDefault(field, ProtoJson.nullValue()));
      }
      result.addMessages(item);
    }
    return result.build();
  }

  @Override
  public void deleteConversation(
      DeleteConversationRequest request, StreamObserver<Empty> response) {
    conversations.softDelete(tenant(request.getProjectId()), request.getConversation());
    respond(response, Empty.getDefaultInstance());
  }

  /** The tenant of the path's project: the caller's, also as {@code @current}. */
  private static String tenant(String projectId) {
    return CallContext.pathTenant("Project", projectId, CURRENT_PROJECT);
  }

  private static Value link(String path, OffsetPage paging, int offset) {
    return ProtoJson.stringOrNull(PageLinks.link(path, Map.of(), paging.limit(), offset));
  }
}
