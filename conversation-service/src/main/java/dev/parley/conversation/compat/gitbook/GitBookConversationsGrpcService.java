package dev.parley.conversation.compat.gitbook;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import com.google.protobuf.Value;
import dev.parley.compat.gitbook.v1.GetConversationRequest;
import dev.parley.compat.gitbook.v1.GetConversationResponse;
import dev.parley.compat.gitbook.v1.GitBookConversationsServiceGrpc;
import dev.parley.compat.gitbook.v1.IngestConversationRequest;
import dev.parley.compat.gitbook.v1.ListConversationsRequest;
import dev.parley.compat.gitbook.v1.ListConversationsResponse;
import dev.parley.compat.gitbook.v1.NextPage;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationPages;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Origins;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/** GitBook's conversation ingest and read endpoints over the one conversation store. */
public final class GitBookConversationsGrpcService
    extends GitBookConversationsServiceGrpc.GitBookConversationsServiceImplBase {
  static final String SOURCE = "gitbook";
  static final String ORGANIZATION = "Organization";

  /** GitBook's own integrations send pages of 100; a batch is bounded by the body size too. */
  static final int MAX_BATCH = 1000;

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final Conversations conversations;

  @Inject
  public GitBookConversationsGrpcService(Conversations conversations) {
    this.conversations = requireNonNull(conversations, "conversations is null");
  }

  @Override
  public void ingestConversation(
      IngestConversationRequest request, StreamObserver<Empty> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    Value body = request.getBody();
    List<Value> inputs;
    String prefix;
    if (body.hasListValue()) {
      inputs = body.getListValue().getValuesList();
      prefix = "";
    } else if (body.hasStructValue()) {
      inputs = List.of(body);
      prefix = null;
    } else {
      throw ParleyException.invalidArgument(
          "body", "must be a ConversationInput object or an array of them");
    }
    if (inputs.size() > MAX_BATCH) {
      throw ParleyException.invalidArgument(
          "body", "at most " + MAX_BATCH + " conversations per request");
    }
    // Everything is checked before anything is written: a bad item stores nothing.
    String origin = Origins.of(SOURCE, CallContext.principal().keyId());
    List<ConversationDraft> drafts = new ArrayList<>();
    for (int index = 0; index < inputs.size(); index++) {
      drafts.add(
          GitBookMapping.toDraft(
              prefix == null ? "" : "[" + index + "].", inputs.get(index), origin));
    }
    for (ConversationDraft draft : drafts) {
      conversations.replace(tenantId, SOURCE, draft);
    }
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    int limit = request.hasLimit() ? request.getLimit() : DEFAULT_LIMIT;
    if (limit < 0 || limit > MAX_LIMIT) {
      throw ParleyException.invalidArgument("limit", "must be within 0.." + MAX_LIMIT);
    }
    ConversationFilter filter =
        ConversationFilter.builder()
            .origin(request.getSource().isEmpty() ? null : request.getSource())
            .build();
    ConversationPages.TokenPage page =
        ConversationPages.page(
            conversations,
            tenantId,
            filter,
            SortOrder.CREATED_DESC,
            "page",
            request.getPage(),
            limit,
            false);
    ListConversationsResponse.Builder result =
        ListConversationsResponse.newBuilder().setCount(page.total());
    page.conversations()
        .forEach(item -> result.addItems(GitBookMapping.toConversation(tenantId, item)));
    if (page.nextToken() != null) {
      result.setNext(NextPage.newBuilder().setPage(page.nextToken()));
    }
    respond(response, result.build());
  }

  @Override
  public void getConversation(
      GetConversationRequest request, StreamObserver<GetConversationResponse> response) {
    String tenantId = CallContext.pathTenant(ORGANIZATION, request.getOrganizationId());
    Conversation conversation = conversations.get(tenantId, request.getConversationId());
    respond(response, GitBookMapping.toResponse(tenantId, conversation));
  }
}
