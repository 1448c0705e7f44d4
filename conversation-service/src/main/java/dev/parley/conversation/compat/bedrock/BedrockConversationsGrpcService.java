package dev.parley.conversation.compat.bedrock;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import dev.parley.compat.bedrock.v1.BedrockConversationsServiceGrpc;
import dev.parley.compat.bedrock.v1.BulkDeleteConversationsRequest;
import dev.parley.compat.bedrock.v1.BulkDeleteConversationsResponse;
import dev.parley.compat.bedrock.v1.DeleteAllConversationsRequest;
import dev.parley.compat.bedrock.v1.DeleteConversationRequest;
import dev.parley.compat.bedrock.v1.FeedbackOutput;
import dev.parley.compat.bedrock.v1.GetConversationRequest;
import dev.parley.compat.bedrock.v1.ListConversationsRequest;
import dev.parley.compat.bedrock.v1.ListConversationsResponse;
import dev.parley.compat.bedrock.v1.PutFeedbackRequest;
import dev.parley.compat.bedrock.v1.SearchConversationsRequest;
import dev.parley.compat.bedrock.v1.SearchConversationsResponse;
import dev.parley.compat.bedrock.v1.UpdateTitleRequest;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.conversation.domain.Reasons;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;

/** Bedrock Chat's conversation routes over the one conversation store. */
public final class BedrockConversationsGrpcService
    extends BedrockConversationsServiceGrpc.BedrockConversationsServiceImplBase {
  private static final int MAX_LIST = 1000;
  private static final int MAX_BULK_DELETE = 100;
  private static final int MAX_SEARCH_RESULTS = 20;

  private final Conversations conversations;
  private final FeedbackLog feedback;

  @Inject
  public BedrockConversationsGrpcService(Conversations conversations, FeedbackLog feedback) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.feedback = requireNonNull(feedback, "feedback is null");
  }

  @Override
  public void getConversation(
      GetConversationRequest request,
      StreamObserver<dev.parley.compat.bedrock.v1.Conversation> response) {
    String tenantId = CallContext.tenantId();
    Conversation conversation = conversations.get(tenantId, request.getConversationId());
    respond(
        response,
        BedrockMapping.toConversation(
            conversation, feedback.ofConversation(tenantId, conversation.id())));
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    String tenantId = CallContext.tenantId();
    int limit = request.hasLimit() ? request.getLimit() : MAX_LIST;
    if (limit < 1 || limit > MAX_LIST) {
      throw ParleyException.invalidArgument("limit", "must be within 1.." + MAX_LIST);
    }
    Cursor after = null;
    if (!request.getBefore().isEmpty()) {
      Conversation before =
          conversations
              .summary(tenantId, request.getBefore())
              .orElseThrow(
                  () ->
                      ParleyException.invalidArgument(
                          "before", "no conversation " + request.getBefore() + " to page from"));
      after = new Cursor(before.createTime(), before.id());
    }
    Conversations.CursorPage page =
        conversations.pageAfter(
            tenantId, ConversationFilter.ALL, SortOrder.CREATED_DESC, after, limit, false);
    ListConversationsResponse.Builder result = ListConversationsResponse.newBuilder();
    page.conversations().forEach(item -> result.addConversations(BedrockMapping.toMeta(item)));
    respond(response, result.build());
  }

  @Override
  public void deleteConversation(
      DeleteConversationRequest request, StreamObserver<Empty> response) {
    conversations.delete(CallContext.tenantId(), request.getConversationId());
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void deleteAllConversations(
      DeleteAllConversationsRequest request, StreamObserver<Empty> response) {
    conversations.deleteAll(CallContext.tenantId(), ConversationFilter.ALL);
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void bulkDeleteConversations(
      BulkDeleteConversationsRequest request,
      StreamObserver<BulkDeleteConversationsResponse> response) {
    List<String> ids = request.getConversationIdsList();
    if (ids.isEmpty() || ids.size() > MAX_BULK_DELETE) {
      throw ParleyException.invalidArgument(
          "conversationIds", "must hold 1.." + MAX_BULK_DELETE + " ids");
    }
    Set<String> deleted =
        Set.copyOf(conversations.deleteAll(CallContext.tenantId(), ConversationFilter.ofIds(ids)));
    respond(
        response,
        BulkDeleteConversationsResponse.newBuilder()
            .setDeletedCount(deleted.size())
            .addAllFailedIds(ids.stream().filter(id -> !deleted.contains(id)).distinct().toList())
            .build());
  }

  @Override
  public void searchConversations(
      SearchConversationsRequest request, StreamObserver<SearchConversationsResponse> response) {
    SearchConversationsResponse.Builder result = SearchConversationsResponse.newBuilder();
    conversations
        .search(CallContext.tenantId(), request.getQuery(), MAX_SEARCH_RESULTS)
        .forEach(hit -> result.addResults(BedrockMapping.toSearchResult(hit)));
    respond(response, result.build());
  }

  @Override
  public void updateTitle(UpdateTitleRequest request, StreamObserver<Empty> response) {
    if (!request.hasNewTitle()) {
      throw ParleyException.invalidArgument("newTitle", "is required");
    }
    conversations.updateOne(
        CallContext.tenantId(), request.getConversationId(), request.getNewTitle(), null);
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void putFeedback(PutFeedbackRequest request, StreamObserver<FeedbackOutput> response) {
    if (!request.hasThumbsUp()) {
      throw ParleyException.invalidArgument("thumbsUp", "is required");
    }
    String category = request.hasCategory() ? request.getCategory() : "";
    if (!request.getThumbsUp() && category.isEmpty()) {
      throw ParleyException.invalidArgument("category", "is required when thumbsUp is false");
    }
    String comment = request.hasComment() ? request.getComment() : "";
    String tenantId = CallContext.tenantId();
    // The conversation first: an unknown conversation is reported as such.
    conversations.checkExists(tenantId, request.getConversationId());
    feedback.rate(
        tenantId,
        request.getConversationId(),
        request.getMessageId(),
        Feedback.Author.USER,
        request.getThumbsUp() ? Feedback.Rating.POSITIVE : Feedback.Rating.NEGATIVE,
        category.isEmpty() ? null : Reasons.toJson(List.of(category)),
        comment.isEmpty() ? null : comment,
        null);
    respond(
        response,
        FeedbackOutput.newBuilder()
            .setThumbsUp(request.getThumbsUp())
            .setCategory(category)
            .setComment(comment)
            .build());
  }
}
