package dev.parley.conversation.api;

import static dev.parley.conversation.api.ConversationMessages.emptyToNull;
import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import dev.parley.conversation.compat.Origins;
import dev.parley.conversation.compat.PageTokens;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationView;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.DeleteConversationRequest;
import dev.parley.conversation.v1.GetConversationRequest;
import dev.parley.conversation.v1.ListConversationsRequest;
import dev.parley.conversation.v1.ListConversationsResponse;
import dev.parley.conversation.v1.UpdateConversationRequest;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;

/** The native {@code parley.conversation.v1.ConversationService}. */
public final class ConversationGrpcService
    extends ConversationServiceGrpc.ConversationServiceImplBase {
  private static final String SOURCE = "native";
  private static final int DEFAULT_PAGE_SIZE = 50;
  private static final int MAX_PAGE_SIZE = 1000;
  private static final Set<String> UPDATABLE_PATHS =
      Set.of(
          "external_id",
          "external_url",
          "kind",
          "title",
          "visibility",
          "support_ticket_conversation_id",
          "project_id",
          "integration_id",
          "properties",
          "user_properties",
          "tags",
          "messages",
          "create_time",
          "update_time");

  private final Conversations conversations;

  @Inject
  public ConversationGrpcService(Conversations conversations) {
    this.conversations = requireNonNull(conversations, "conversations is null");
  }

  @Override
  public void createConversation(
      CreateConversationRequest request,
      StreamObserver<dev.parley.conversation.v1.Conversation> response) {
    if (!request.hasConversation()) {
      throw ParleyException.invalidArgument("conversation", "is required");
    }
    Conversation created =
        conversations.create(
            CallContext.tenantId(),
            SOURCE,
            ConversationMessages.toDraft(
                emptyToNull(request.getConversationId()),
                request.getConversation(),
                Origins.of(SOURCE)));
    respond(
        response, ConversationMessages.toProto(created, ConversationView.CONVERSATION_VIEW_FULL));
  }

  @Override
  public void getConversation(
      GetConversationRequest request,
      StreamObserver<dev.parley.conversation.v1.Conversation> response) {
    Conversation conversation =
        conversations.get(
            CallContext.tenantId(), required("conversation_id", request.getConversationId()));
    respond(response, ConversationMessages.toProto(conversation, request.getView()));
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    String tenantId = CallContext.tenantId();
    int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
    if (pageSize < 0 || pageSize > MAX_PAGE_SIZE) {
      throw ParleyException.invalidArgument("page_size", "must be within 0.." + MAX_PAGE_SIZE);
    }
    ConversationView view =
        request.getView() == ConversationView.CONVERSATION_VIEW_UNSPECIFIED
            ? ConversationView.CONVERSATION_VIEW_BASIC
            : request.getView();
    if (!request.getExternalId().isEmpty()) {
      ListConversationsResponse.Builder match = ListConversationsResponse.newBuilder();
      conversations
          .findByExternalId(tenantId, request.getExternalId())
          .ifPresent(found -> match.addConversations(ConversationMessages.toProto(found, view)));
      respond(response, match.setTotalSize(match.getConversationsCount()).build());
      return;
    }
    Cursor after =
        request.getPageToken().isEmpty()
            ? null
            : PageTokens.decode("page_token", request.getPageToken());
    Conversations.CursorPage page =
        conversations.pageAfter(
            tenantId, after, pageSize, null, view == ConversationView.CONVERSATION_VIEW_FULL);
    ListConversationsResponse.Builder result =
        ListConversationsResponse.newBuilder().setTotalSize(page.total());
    page.conversations()
        .forEach(item -> result.addConversations(ConversationMessages.toProto(item, view)));
    if (page.next() != null) {
      result.setNextPageToken(PageTokens.encode(page.next()));
    }
    respond(response, result.build());
  }

  @Override
  public void updateConversation(
      UpdateConversationRequest request,
      StreamObserver<dev.parley.conversation.v1.Conversation> response) {
    String tenantId = CallContext.tenantId();
    var sent = request.getConversation();
    String id = required("conversation.id", sent.getId());
    List<String> paths = request.getUpdateMask().getPathsList();
    for (String path : paths) {
      if (!UPDATABLE_PATHS.contains(path)) {
        throw ParleyException.invalidArgument("update_mask", "cannot update '" + path + "'");
      }
    }
    Conversation existing;
    try {
      existing = conversations.get(tenantId, id);
    } catch (ParleyException e) {
      if (!request.getAllowMissing()) {
        throw e;
      }
      existing = null;
    }
    if (existing != null
        && sent.getKind()
            == dev.parley.conversation.v1.ConversationKind.CONVERSATION_KIND_UNSPECIFIED) {
      // The kind is required on create only; an update that leaves it out keeps it.
      sent = sent.toBuilder().setKind(ConversationMessages.kind(existing.kind())).build();
    }
    ConversationDraft update = ConversationMessages.toDraft(id, sent, Origins.of(SOURCE));
    ConversationDraft merged = existing == null ? update : merge(existing, update, paths);
    Conversation saved = conversations.replace(tenantId, SOURCE, merged);
    respond(response, ConversationMessages.toProto(saved, ConversationView.CONVERSATION_VIEW_FULL));
  }

  @Override
  public void deleteConversation(
      DeleteConversationRequest request, StreamObserver<Empty> response) {
    conversations.delete(
        CallContext.tenantId(), required("conversation_id", request.getConversationId()));
    respond(response, Empty.getDefaultInstance());
  }

  /**
   * The stored conversation with the masked fields (all when the mask is empty) from the update.
   */
  private static ConversationDraft merge(
      Conversation existing, ConversationDraft update, List<String> paths) {
    Set<String> mask = paths.isEmpty() ? UPDATABLE_PATHS : Set.copyOf(paths);
    return new ConversationDraft(
        existing.id(),
        mask.contains("external_id") ? update.externalId() : existing.externalId(),
        mask.contains("external_url") ? update.externalUrl() : existing.externalUrl(),
        mask.contains("kind") ? update.kind() : existing.kind(),
        mask.contains("title") ? update.title() : existing.title(),
        existing.origin(),
        mask.contains("visibility") ? update.visibility() : existing.visibility(),
        mask.contains("support_ticket_conversation_id")
            ? update.supportTicketConversationId()
            : existing.supportTicketConversationId(),
        mask.contains("project_id") ? update.projectId() : existing.projectId(),
        mask.contains("integration_id") ? update.integrationId() : existing.integrationId(),
        mask.contains("properties") ? update.propertiesJson() : existing.propertiesJson(),
        mask.contains("user_properties")
            ? update.userPropertiesJson()
            : existing.userPropertiesJson(),
        mask.contains("tags") ? update.tags() : existing.tags(),
        mask.contains("create_time") && update.createTime() != null
            ? update.createTime()
            : existing.createTime(),
        mask.contains("update_time") ? update.updateTime() : null,
        mask.contains("messages")
            ? update.messages()
            : ConversationMessages.drafts(existing.messages()));
  }

  private static String required(String field, String value) {
    if (value.isEmpty()) {
      throw ParleyException.invalidArgument(field, "is required");
    }
    return value;
  }
}
