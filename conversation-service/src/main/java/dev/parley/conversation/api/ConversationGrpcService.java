package dev.parley.conversation.api;

import static dev.parley.conversation.api.ConversationMessages.emptyToNull;
import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationPages;
import dev.parley.conversation.domain.ConversationStore.SearchHit;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.EndUser;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Origins;
import dev.parley.conversation.domain.Reasons;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.conversation.domain.TicketLink;
import dev.parley.conversation.v1.BatchDeleteConversationsRequest;
import dev.parley.conversation.v1.BatchDeleteConversationsResponse;
import dev.parley.conversation.v1.BatchGetEndUsersRequest;
import dev.parley.conversation.v1.BatchGetEndUsersResponse;
import dev.parley.conversation.v1.ConversationKind;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationView;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.CreateMessageRequest;
import dev.parley.conversation.v1.DeleteConversationRequest;
import dev.parley.conversation.v1.EndUserProfile;
import dev.parley.conversation.v1.EscalateConversationRequest;
import dev.parley.conversation.v1.EscalateConversationResponse;
import dev.parley.conversation.v1.GetConversationRequest;
import dev.parley.conversation.v1.ListConversationsRequest;
import dev.parley.conversation.v1.ListConversationsResponse;
import dev.parley.conversation.v1.MessageFeedback;
import dev.parley.conversation.v1.SearchConversationsRequest;
import dev.parley.conversation.v1.SearchConversationsResponse;
import dev.parley.conversation.v1.SearchResult;
import dev.parley.conversation.v1.SetMessageFeedbackRequest;
import dev.parley.conversation.v1.UpdateConversationRequest;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.proto.ProtoTime;
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
          "update_time",
          "state",
          "assignee",
          "categories",
          "end_user");
  private static final int MAX_BATCH_DELETE = 100;
  private static final int DEFAULT_SEARCH_SIZE = 20;
  private static final int MAX_SEARCH_SIZE = 100;

  private final Conversations conversations;
  private final FeedbackLog feedback;

  @Inject
  public ConversationGrpcService(Conversations conversations, FeedbackLog feedback) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.feedback = requireNonNull(feedback, "feedback is null");
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
                Origins.of(SOURCE, CallContext.principal().keyId())));
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
    SortOrder order = ListQueries.order(request.getOrderBy());
    ConversationPages.TokenPage page =
        ConversationPages.page(
            conversations,
            tenantId,
            ListQueries.filter(request.getFilter()),
            order,
            "page_token",
            request.getPageToken(),
            pageSize,
            view == ConversationView.CONVERSATION_VIEW_FULL);
    ListConversationsResponse.Builder result =
        ListConversationsResponse.newBuilder().setTotalSize(page.total());
    page.conversations()
        .forEach(item -> result.addConversations(ConversationMessages.toProto(item, view)));
    if (page.nextToken() != null) {
      result.setNextPageToken(page.nextToken());
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
    if (existing != null && sent.getKind() == ConversationKind.CONVERSATION_KIND_UNSPECIFIED) {
      // The kind is required on create only; an update that leaves it out keeps it.
      sent = sent.toBuilder().setKind(ConversationMessages.kind(existing.kind())).build();
    }
    ConversationDraft update =
        ConversationMessages.toDraft(id, sent, Origins.of(SOURCE, CallContext.principal().keyId()));
    ConversationDraft merged = existing == null ? update : merge(existing, update, paths);
    Conversation saved = conversations.replace(tenantId, SOURCE, merged);
    respond(response, ConversationMessages.toProto(saved, ConversationView.CONVERSATION_VIEW_FULL));
  }

  @Override
  public void batchDeleteConversations(
      BatchDeleteConversationsRequest request,
      StreamObserver<BatchDeleteConversationsResponse> response) {
    List<String> ids = request.getConversationIdsList();
    if (ids.isEmpty() || ids.size() > MAX_BATCH_DELETE) {
      throw ParleyException.invalidArgument(
          "conversation_ids", "must hold 1.." + MAX_BATCH_DELETE + " ids");
    }
    Set<String> deleted =
        Set.copyOf(conversations.deleteAll(CallContext.tenantId(), ConversationFilter.ofIds(ids)));
    respond(
        response,
        BatchDeleteConversationsResponse.newBuilder()
            .addAllDeletedConversationIds(
                ids.stream().filter(deleted::contains).distinct().toList())
            .addAllFailedConversationIds(
                ids.stream().filter(id -> !deleted.contains(id)).distinct().toList())
            .build());
  }

  @Override
  public void searchConversations(
      SearchConversationsRequest request, StreamObserver<SearchConversationsResponse> response) {
    int pageSize = request.getPageSize() == 0 ? DEFAULT_SEARCH_SIZE : request.getPageSize();
    if (pageSize < 1 || pageSize > MAX_SEARCH_SIZE) {
      throw ParleyException.invalidArgument("page_size", "must be within 1.." + MAX_SEARCH_SIZE);
    }
    SearchConversationsResponse.Builder result = SearchConversationsResponse.newBuilder();
    for (SearchHit hit :
        conversations.search(CallContext.tenantId(), request.getQuery(), pageSize)) {
      SearchResult.Builder item =
          SearchResult.newBuilder()
              .setConversation(
                  ConversationMessages.toProto(
                      hit.conversation(), ConversationView.CONVERSATION_VIEW_BASIC))
              .setRank(hit.rank())
              .addAllMessageHighlights(hit.bodyHighlights());
      if (hit.titleHighlight() != null) {
        item.setTitleHighlight(hit.titleHighlight());
      }
      result.addResults(item);
    }
    respond(response, result.build());
  }

  @Override
  public void createMessage(
      CreateMessageRequest request, StreamObserver<dev.parley.conversation.v1.Message> response) {
    String conversationId = required("conversation_id", request.getConversationId());
    if (!request.hasMessage()) {
      throw ParleyException.invalidArgument("message", "is required");
    }
    Message appended =
        conversations.append(
            CallContext.tenantId(),
            conversationId,
            ConversationMessages.toDraft(request.getMessage()));
    respond(response, ConversationMessages.toProto(conversationId, appended));
  }

  @Override
  public void batchGetEndUsers(
      BatchGetEndUsersRequest request, StreamObserver<BatchGetEndUsersResponse> response) {
    BatchGetEndUsersResponse.Builder result = BatchGetEndUsersResponse.newBuilder();
    for (EndUser endUser :
        conversations.endUsers(CallContext.tenantId(), request.getEndUserIdsList())) {
      EndUserProfile.Builder profile =
          EndUserProfile.newBuilder()
              .setId(endUser.id())
              .setFirstSeenTime(ProtoTime.timestamp(endUser.firstSeen()))
              .setConversationCount(endUser.conversationCount());
      if (endUser.email() != null) {
        profile.setEmail(endUser.email());
      }
      if (endUser.propertiesJson() != null) {
        profile.setProperties(ProtoJson.toStruct(endUser.propertiesJson()));
      }
      result.addEndUsers(profile);
    }
    respond(response, result.build());
  }

  @Override
  public void escalateConversation(
      EscalateConversationRequest request, StreamObserver<EscalateConversationResponse> response) {
    TicketLink.Escalation escalation =
        conversations.escalate(
            CallContext.tenantId(),
            required("conversation_id", request.getConversationId()),
            emptyToNull(request.getEscalationReason()));
    respond(
        response,
        EscalateConversationResponse.newBuilder()
            .setTicketId(escalation.ticketId())
            .setTicketNumber(escalation.ticketNumber())
            .build());
  }

  @Override
  public void setMessageFeedback(
      SetMessageFeedbackRequest request, StreamObserver<MessageFeedback> response) {
    String conversationId = required("conversation_id", request.getConversationId());
    String messageId = required("message_id", request.getMessageId());
    MessageFeedback sent = request.getFeedback();
    Feedback.Rating rating =
        switch (sent.getRating()) {
          case RATING_POSITIVE -> Feedback.Rating.POSITIVE;
          case RATING_NEGATIVE -> Feedback.Rating.NEGATIVE;
          case RATING_UNSPECIFIED, UNRECOGNIZED ->
              throw ParleyException.invalidArgument(
                  "feedback.rating", "is required: RATING_POSITIVE or RATING_NEGATIVE");
        };
    Feedback saved =
        feedback.rate(
            CallContext.tenantId(),
            conversationId,
            messageId,
            Feedback.Author.USER,
            rating,
            sent.getReasonsCount() == 0 ? null : Reasons.toJson(sent.getReasonsList()),
            emptyToNull(sent.getComment()),
            null);
    respond(
        response,
        sent.toBuilder()
            .setId(saved.id())
            .setConversationId(conversationId)
            .setMessageId(messageId)
            .setCreateTime(ProtoTime.timestamp(saved.createTime()))
            .setUpdateTime(ProtoTime.timestamp(saved.updateTime()))
            .build());
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
    return ConversationDraft.builder()
        .id(existing.id())
        .externalId(mask.contains("external_id") ? update.externalId() : existing.externalId())
        .externalUrl(mask.contains("external_url") ? update.externalUrl() : existing.externalUrl())
        .kind(mask.contains("kind") ? update.kind() : existing.kind())
        .title(mask.contains("title") ? update.title() : existing.title())
        .origin(existing.origin())
        .visibility(mask.contains("visibility") ? update.visibility() : existing.visibility())
        .supportTicketConversationId(
            mask.contains("support_ticket_conversation_id")
                ? update.supportTicketConversationId()
                : existing.supportTicketConversationId())
        .projectId(mask.contains("project_id") ? update.projectId() : existing.projectId())
        .integrationId(
            mask.contains("integration_id") ? update.integrationId() : existing.integrationId())
        .propertiesJson(
            mask.contains("properties") ? update.propertiesJson() : existing.propertiesJson())
        .userPropertiesJson(
            mask.contains("user_properties")
                ? update.userPropertiesJson()
                : existing.userPropertiesJson())
        .tags(mask.contains("tags") ? update.tags() : existing.tags())
        .handling(
            HandlingChange.builder()
                .state(masked(mask, "state", update.handling().state()))
                .assignee(masked(mask, "assignee", update.handling().assignee()))
                .categories(
                    mask.contains("categories")
                        ? (update.handling().categories() == null
                            ? List.of()
                            : update.handling().categories())
                        : null)
                .endUserId(masked(mask, "end_user", update.handling().endUserId()))
                .endUserEmail(masked(mask, "end_user", update.handling().endUserEmail()))
                .build())
        .createTime(
            mask.contains("create_time") && update.createTime() != null
                ? update.createTime()
                : existing.createTime())
        .updateTime(mask.contains("update_time") ? update.updateTime() : null)
        .messages(
            mask.contains("messages")
                ? update.messages()
                : Conversations.drafts(existing.messages()))
        .build();
  }

  /**
   * A field's edit under the update mask: kept when the mask leaves it out; cleared when the mask
   * names it and the update leaves it unset (an update that sets nothing keeps nothing).
   */
  private static Edit masked(Set<String> mask, String path, Edit update) {
    if (!mask.contains(path)) {
      return Edit.KEEP;
    }
    return update instanceof Edit.To ? update : Edit.CLEAR;
  }

  private static String required(String field, String value) {
    if (value.isEmpty()) {
      throw ParleyException.invalidArgument(field, "is required");
    }
    return value;
  }
}
