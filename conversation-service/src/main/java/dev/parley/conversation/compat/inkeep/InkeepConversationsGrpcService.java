package dev.parley.conversation.compat.inkeep;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import dev.parley.compat.inkeep.v1.ConversationSelect;
import dev.parley.compat.inkeep.v1.DeleteConversationRequest;
import dev.parley.compat.inkeep.v1.DeleteConversationResponse;
import dev.parley.compat.inkeep.v1.GetConversationByExternalIdRequest;
import dev.parley.compat.inkeep.v1.GetConversationRequest;
import dev.parley.compat.inkeep.v1.InkeepConversationsServiceGrpc;
import dev.parley.compat.inkeep.v1.ListConversationsRequest;
import dev.parley.compat.inkeep.v1.ListConversationsResponse;
import dev.parley.compat.inkeep.v1.LogConversationRequest;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationStore.Query;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Origins;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.identity.Principal;
import dev.parley.platform.paging.OffsetPage;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** Inkeep Analytics' conversation endpoints over the one conversation store. */
public final class InkeepConversationsGrpcService
    extends InkeepConversationsServiceGrpc.InkeepConversationsServiceImplBase {
  static final String SOURCE = "inkeep";
  private static final int DEFAULT_LIMIT = 20;
  private static final int MAX_LIMIT = 100;

  private final Conversations conversations;

  @Inject
  public InkeepConversationsGrpcService(Conversations conversations) {
    this.conversations = requireNonNull(conversations, "conversations is null");
  }

  @Override
  public void logConversation(
      LogConversationRequest request, StreamObserver<ConversationSelect> response) {
    Principal caller = CallContext.principal();
    Conversation saved =
        conversations.replace(
            caller.tenantId(),
            SOURCE,
            InkeepMapping.toDraft(request, Origins.of(SOURCE, caller.keyId())));
    respond(response, InkeepMapping.toSelect(saved));
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    OffsetPage paging =
        OffsetPage.strict(
            request.hasLimit() ? request.getLimit() : null,
            request.hasOffset() ? request.getOffset() : null,
            DEFAULT_LIMIT,
            MAX_LIMIT);
    int limit = paging.limit();
    int offset = paging.offset();
    Conversations.Page page =
        conversations.list(CallContext.tenantId(), Query.offset(offset, limit), true);
    ListConversationsResponse.Builder result =
        ListConversationsResponse.newBuilder()
            .setTotal(page.total())
            .setPageSize(limit)
            .setCount(page.conversations().size());
    page.conversations().forEach(item -> result.addConversations(InkeepMapping.toSelect(item)));
    respond(response, result.build());
  }

  @Override
  public void getConversation(
      GetConversationRequest request, StreamObserver<ConversationSelect> response) {
    respond(
        response,
        InkeepMapping.toSelect(conversations.get(CallContext.tenantId(), request.getId())));
  }

  @Override
  public void deleteConversation(
      DeleteConversationRequest request, StreamObserver<DeleteConversationResponse> response) {
    conversations.delete(CallContext.tenantId(), request.getId());
    respond(
        response,
        DeleteConversationResponse.newBuilder()
            .setSuccess(true)
            .setMessage("Conversation " + request.getId() + " deleted")
            .build());
  }

  @Override
  public void getConversationByExternalId(
      GetConversationByExternalIdRequest request, StreamObserver<ConversationSelect> response) {
    respond(
        response,
        InkeepMapping.toSelect(
            conversations.getByExternalId(CallContext.tenantId(), request.getExternalId())));
  }
}
