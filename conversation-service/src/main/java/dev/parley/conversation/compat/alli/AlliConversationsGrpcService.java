package dev.parley.conversation.compat.alli;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.api.HttpBody;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.alli.v2.AlliConversationsServiceGrpc;
import dev.parley.compat.alli.v2.BulkUpdateConversationsRequest;
import dev.parley.compat.alli.v2.ConversationInfo;
import dev.parley.compat.alli.v2.GetConversationRequest;
import dev.parley.compat.alli.v2.GetRunningRequest;
import dev.parley.compat.alli.v2.ListChatsRequest;
import dev.parley.compat.alli.v2.ListChatsResponse;
import dev.parley.compat.alli.v2.ListConversationsRequest;
import dev.parley.compat.alli.v2.ListConversationsResponse;
import dev.parley.compat.alli.v2.RateChatRequest;
import dev.parley.compat.alli.v2.Running;
import dev.parley.compat.alli.v2.SetTitleRequest;
import dev.parley.compat.alli.v2.StopRunRequest;
import dev.parley.compat.alli.v2.UpdateConversationRequest;
import dev.parley.conversation.domain.Assistant;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationPages;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Reasons;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.HttpBodies;
import dev.parley.platform.proto.ProtoJson;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Alli's conversation API over the one conversation store. */
public final class AlliConversationsGrpcService
    extends AlliConversationsServiceGrpc.AlliConversationsServiceImplBase {
  private static final int DEFAULT_PAGE_SIZE = 50;
  private static final int CHATS_PER_PAGE = 100;

  /** The last millisecond of the year 9999, the latest time a filter may name. */
  private static final double LATEST_MILLIS = 253_402_300_799_999d;

  /** Numbers below this are epoch seconds (year 5138 in seconds, 1973 in milliseconds). */
  private static final double SECONDS_LIMIT = 1e11;

  private static final Map<String, SortOrder> ORDERS =
      Map.of(
          "LAST_CHAT_TIME_DESC", SortOrder.ACTIVITY_DESC,
          "LAST_CHAT_TIME_ASC", SortOrder.ACTIVITY_ASC,
          "CREATED_AT_DESC", SortOrder.CREATED_DESC,
          "CREATED_AT_ASC", SortOrder.CREATED_ASC,
          "MODIFIED_AT_DESC", SortOrder.UPDATED_DESC,
          "MODIFIED_AT_ASC", SortOrder.UPDATED_ASC);

  private final Conversations conversations;
  private final FeedbackLog feedback;
  private final Assistant assistant;

  @Inject
  public AlliConversationsGrpcService(
      Conversations conversations, FeedbackLog feedback, Assistant assistant) {
    this.conversations = requireNonNull(conversations, "conversations is null");
    this.feedback = requireNonNull(feedback, "feedback is null");
    this.assistant = requireNonNull(assistant, "assistant is null");
  }

  @Override
  public void getRunning(GetRunningRequest request, StreamObserver<Running> response) {
    respond(
        response,
        Running.newBuilder()
            .setIsRunning(
                assistant
                    .activeRun(CallContext.tenantId(), request.getConversationId())
                    .isPresent())
            .build());
  }

  @Override
  public void stopRun(StopRunRequest request, StreamObserver<HttpBody> response) {
    assistant.cancelActive(CallContext.tenantId(), request.getConversationId());
    respond(response, HttpBodies.empty());
  }

  @Override
  public void listConversations(
      ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
    String tenantId = CallContext.tenantId();
    int pageSize = request.hasPageSize() ? request.getPageSize() : DEFAULT_PAGE_SIZE;
    if (pageSize < 1 || pageSize > DEFAULT_PAGE_SIZE) {
      throw ParleyException.invalidArgument("pageSize", "must be within 1.." + DEFAULT_PAGE_SIZE);
    }
    String orderName = request.getOrder().isEmpty() ? "LAST_CHAT_TIME_DESC" : request.getOrder();
    SortOrder order = ORDERS.get(orderName);
    if (order == null) {
      throw ParleyException.invalidArgument(
          "order",
          "must be one of " + String.join(", ", ORDERS.keySet().stream().sorted().toList()));
    }
    ConversationFilter filter =
        ConversationFilter.builder()
            .integrationIds(request.getLlmAppId().isEmpty() ? null : Set.of(request.getLlmAppId()))
            .endUserIds(commaSeparated(request.getUserIdsList()))
            .anyCategories(
                request.getCategoryId().isEmpty() ? null : Set.of(request.getCategoryId()))
            .activeFrom(
                request.hasStartedAt() ? instant("startedAt", request.getStartedAt()) : null)
            .activeUntil(request.hasEndAt() ? instant("endAt", request.getEndAt()) : null)
            .createdFrom(
                request.hasFirstChatStartedAt()
                    ? instant("firstChatStartedAt", request.getFirstChatStartedAt())
                    : null)
            .createdUntil(
                request.hasFirstChatEndAt()
                    ? instant("firstChatEndAt", request.getFirstChatEndAt())
                    : null)
            .text(request.getSearchTerm().isBlank() ? null : request.getSearchTerm().strip())
            .openOnly(request.getActiveOnly())
            .build();
    ConversationPages.TokenPage page =
        ConversationPages.page(
            conversations,
            tenantId,
            filter,
            order,
            "cursor",
            request.getCursor(),
            pageSize,
            true,
            AlliMapping.RECENT_CHATS);
    List<String> variables = List.copyOf(commaSeparated(request.getVariablesList()));
    ListConversationsResponse.Builder result =
        ListConversationsResponse.newBuilder().setCursor(ProtoJson.stringOrNull(page.nextToken()));
    // One query for the ratings of the whole page.
    Map<String, List<Feedback>> ratings =
        feedback.ofConversations(
            tenantId, page.conversations().stream().map(Conversation::id).toList());
    for (Conversation conversation : page.conversations()) {
      result.addConversations(
          AlliMapping.toConversation(
              conversation, ratings.getOrDefault(conversation.id(), List.of()), variables));
    }
    respond(response, result.build());
  }

  @Override
  public void bulkUpdateConversations(
      BulkUpdateConversationsRequest request, StreamObserver<HttpBody> response) {
    ConversationFilter filter =
        ConversationFilter.builder()
            .ids(request.getConversationIdsList())
            .integrationIds(request.getLlmAppIdsList())
            .endUserIds(request.getUserIdsList())
            .anyCategories(request.getCategoryIdsList())
            .build();
    if (filter.isEmpty()) {
      throw ParleyException.invalidArgument(
          "filter",
          "at least one of userIds, llmAppIds, categoryIds or conversationIds is required;"
              + " an empty filter would update every conversation");
    }
    ConversationInfo info = request.getConversationInfo();
    HandlingChange handling =
        handling(
            info.hasState() ? info.getState() : null,
            info.hasAssignee() ? info.getAssignee() : null,
            info.getCategoryIdsList(),
            false);
    String title = info.hasTitle() ? info.getTitle() : null;
    if (title == null && handling.isEmpty()) {
      throw ParleyException.invalidArgument(
          "conversationInfo", "set at least one of state, assignee, categoryIds or title");
    }
    conversations.update(CallContext.tenantId(), filter, title, handling);
    respond(response, HttpBodies.empty());
  }

  @Override
  public void getConversation(
      GetConversationRequest request,
      StreamObserver<dev.parley.compat.alli.v2.Conversation> response) {
    String tenantId = CallContext.tenantId();
    Conversation conversation = conversations.get(tenantId, request.getConversationId());
    respond(
        response,
        AlliMapping.toConversation(
            conversation,
            feedback.ofConversation(tenantId, conversation.id()),
            List.copyOf(commaSeparated(request.getVariablesList()))));
  }

  @Override
  public void updateConversation(
      UpdateConversationRequest request, StreamObserver<HttpBody> response) {
    HandlingChange handling =
        handling(
            request.hasState() ? request.getState() : null,
            request.hasAssignee() ? request.getAssignee() : null,
            request.getCategoryIdsList(),
            true);
    conversations.updateOne(
        CallContext.tenantId(),
        request.getConversationId(),
        request.hasTitle() ? request.getTitle() : null,
        handling);
    respond(response, HttpBodies.empty());
  }

  @Override
  public void setTitle(SetTitleRequest request, StreamObserver<HttpBody> response) {
    if (!request.hasTitle()) {
      throw ParleyException.invalidArgument("title", "is required");
    }
    conversations.updateOne(
        CallContext.tenantId(), request.getConversationId(), request.getTitle(), null);
    respond(response, HttpBodies.empty());
  }

  @Override
  public void listChats(ListChatsRequest request, StreamObserver<ListChatsResponse> response) {
    String tenantId = CallContext.tenantId();
    int offset;
    if (request.hasPageNo()) {
      if (request.getPageNo() < 1) {
        throw ParleyException.invalidArgument("pageNo", "must be 1 or more");
      }
      offset = (request.getPageNo() - 1) * CHATS_PER_PAGE;
    } else {
      offset = request.getCursor().isEmpty() ? 0 : chatOffset(request.getCursor());
    }
    Conversation conversation = conversations.get(tenantId, request.getConversationId());
    Map<String, AlliMapping.Ratings> ratings =
        AlliMapping.ratings(feedback.ofConversation(tenantId, conversation.id()));
    List<Message> messages = conversation.messages();
    int end = Math.min(messages.size(), offset + CHATS_PER_PAGE);
    ListChatsResponse.Builder result = ListChatsResponse.newBuilder();
    for (Message message : messages.subList(Math.min(offset, end), end)) {
      result.addChats(AlliMapping.chat(message, ratings.get(message.id())));
    }
    result.setCursor(
        end < messages.size()
            ? Value.newBuilder().setStringValue(chatCursor(end)).build()
            : ProtoJson.nullValue());
    respond(response, result.build());
  }

  @Override
  public void rateChat(RateChatRequest request, StreamObserver<HttpBody> response) {
    String tenantId = CallContext.tenantId();
    conversations.checkExists(tenantId, request.getConversationId());
    String agentEmail = CallContext.header("agent-email");
    Feedback.Author author = agentEmail == null ? Feedback.Author.USER : Feedback.Author.AGENT;
    String userId = ownUserId();
    String email = CallContext.header("user-email");
    var rater = Struct.newBuilder();
    if (author == Feedback.Author.AGENT) {
      rater.putFields("agentEmail", Value.newBuilder().setStringValue(agentEmail).build());
    } else {
      if (userId != null) {
        rater.putFields("id", Value.newBuilder().setStringValue(userId).build());
      }
      if (email != null) {
        rater.putFields("email", Value.newBuilder().setStringValue(email).build());
      }
    }
    feedback.rate(
        tenantId,
        request.getConversationId(),
        request.getChatId(),
        author,
        request.hasRating()
            ? (request.getRating() ? Feedback.Rating.POSITIVE : Feedback.Rating.NEGATIVE)
            : null,
        request.getFeedbackSelectionCount() == 0
            ? null
            : Reasons.toJson(request.getFeedbackSelectionList()),
        request.hasSuggestedAnswer() ? request.getSuggestedAnswer() : null,
        rater.getFieldsCount() == 0 ? null : ProtoJson.toJson(rater.build()));
    respond(response, HttpBodies.empty());
  }

  /**
   * The handling an update sets; with {@code attribute}, the end user named by OWN-USER-ID and
   * USER-EMAIL too.
   */
  private static HandlingChange handling(
      String state, String assignee, List<String> categories, boolean attribute) {
    // Alli's fields: absent keeps, an empty string clears.
    return HandlingChange.builder()
        .state(Edit.emptyClears(state))
        .assignee(Edit.emptyClears(assignee))
        .categories(categories.isEmpty() ? null : categories)
        .endUserId(Edit.emptyClears(attribute ? ownUserId() : null))
        .endUserEmail(Edit.emptyClears(attribute ? CallContext.header("user-email") : null))
        .build();
  }

  /** OWN-USER-ID, decoded when sent as base64:<value> (Alli's form for non-ASCII ids). */
  private static String ownUserId() {
    String id = CallContext.header("own-user-id");
    if (id == null || !id.startsWith("base64:")) {
      return id;
    }
    try {
      return new String(Base64.getDecoder().decode(id.substring(7)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ParleyException.invalidArgument("OWN-USER-ID", "is not valid base64 after 'base64:'");
    }
  }

  private static Instant instant(String field, double value) {
    double millis = value < SECONDS_LIMIT ? value * 1000 : value;
    if (!Double.isFinite(value) || value < 0 || millis > LATEST_MILLIS) {
      throw ParleyException.invalidArgument(
          field, "must be an epoch time in milliseconds, up to the year 9999");
    }
    return Instant.ofEpochMilli((long) millis);
  }

  private static Set<String> commaSeparated(List<String> values) {
    Set<String> result = new LinkedHashSet<>();
    for (String value : values) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          result.add(part.strip());
        }
      }
    }
    return result;
  }

  private static String chatCursor(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(("chats:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int chatOffset(String cursor) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith("chats:")) {
        int offset = Integer.parseInt(text.substring(6));
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // Reported below.
    }
    throw ParleyException.invalidArgument("cursor", "is not a cursor from a previous page");
  }
}
