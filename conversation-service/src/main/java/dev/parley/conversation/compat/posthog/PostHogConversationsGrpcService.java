package dev.parley.conversation.compat.posthog;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import com.google.protobuf.Value;
import dev.parley.compat.posthog.v1.AppendMessageRequest;
import dev.parley.compat.posthog.v1.AppendMessageResponse;
import dev.parley.compat.posthog.v1.Conversation;
import dev.parley.compat.posthog.v1.DeleteConversationRequest;
import dev.parley.compat.posthog.v1.GetConversationRequest;
import dev.parley.compat.posthog.v1.ListConversationsRequest;
import dev.parley.compat.posthog.v1.ListConversationsResponse;
import dev.parley.compat.posthog.v1.PostHogConversationsServiceGrpc;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationStore.Query;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.paging.OffsetPage;
import dev.parley.platform.paging.PageLinks;
import dev.parley.platform.proto.ProtoJson;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.Map;

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

  private final Conversations conversations;

  @Inject
  public PostHogConversationsGrpcService(Conversations conversations) {
    this.conversations = requireNonNull(conversations, "conversations is null");
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
    page.conversations().forEach(item -> result.addResults(PostHogMapping.toMinimal(item)));
    respond(response, result.build());
  }

  @Override
  public void getConversation(
      GetConversationRequest request, StreamObserver<Conversation> response) {
    String tenantId = tenant(request.getProjectId());
    respond(
        response,
        PostHogMapping.toConversation(conversations.get(tenantId, request.getConversation())));
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
            MessageDraft.of(
                "assistant",
                ProtoJson.toJson(Value.newBuilder().setStringValue(request.getContent()).build())));
    respond(response, AppendMessageResponse.newBuilder().setId(appended.id()).build());
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
