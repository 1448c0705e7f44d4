package dev.parley.conversation.compat.inkeep;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import dev.parley.compat.inkeep.v1.DeleteFeedbackRequest;
import dev.parley.compat.inkeep.v1.DeleteFeedbackResponse;
import dev.parley.compat.inkeep.v1.FeedbackItem;
import dev.parley.compat.inkeep.v1.GetFeedbackRequest;
import dev.parley.compat.inkeep.v1.InkeepFeedbackServiceGrpc;
import dev.parley.compat.inkeep.v1.ListFeedbackRequest;
import dev.parley.compat.inkeep.v1.ListFeedbackResponse;
import dev.parley.compat.inkeep.v1.LogFeedbackRequest;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.paging.OffsetPage;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.time.Iso8601;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** Inkeep Analytics' feedback endpoints over the one feedback store. */
public final class InkeepFeedbackGrpcService
    extends InkeepFeedbackServiceGrpc.InkeepFeedbackServiceImplBase {
  private static final int DEFAULT_LIMIT = 10;
  private static final int MAX_LIMIT = 100;
  private static final Set<String> SOURCE_TYPES = Set.of("positive", "negative", "new");

  private final FeedbackLog feedbackLog;
  private final Conversations conversations;

  @Inject
  public InkeepFeedbackGrpcService(FeedbackLog feedbackLog, Conversations conversations) {
    this.feedbackLog = requireNonNull(feedbackLog, "feedbackLog is null");
    this.conversations = requireNonNull(conversations, "conversations is null");
  }

  @Override
  public void logFeedback(LogFeedbackRequest request, StreamObserver<FeedbackItem> response) {
    Feedback.Rating rating = rating(request.getType());
    if (request.getMessageId().isEmpty()) {
      throw ParleyException.invalidArgument("messageId", "is required");
    }
    if (request.hasReasons()) {
      checkReasons(request.getReasons());
    }
    if (request.hasSources()) {
      checkSources(request.getSources());
    }
    Feedback feedback =
        feedbackLog.record(
            CallContext.tenantId(),
            request.hasId() ? request.getId() : null,
            request.getMessageId(),
            rating,
            request.hasReasons() ? ProtoJson.toJson(request.getReasons()) : null,
            request.hasDetails() ? request.getDetails() : null,
            request.hasSources() ? ProtoJson.toJson(request.getSources()) : null,
            request.hasProperties() ? ProtoJson.toJson(request.getProperties()) : null,
            request.hasUserProperties() ? ProtoJson.toJson(request.getUserProperties()) : null,
            Iso8601.parse("createdAt", request.hasCreatedAt() ? request.getCreatedAt() : null),
            Iso8601.parse("updatedAt", request.hasUpdatedAt() ? request.getUpdatedAt() : null));
    respond(response, item(feedback, null));
  }

  @Override
  public void listFeedback(
      ListFeedbackRequest request, StreamObserver<ListFeedbackResponse> response) {
    OffsetPage paging =
        OffsetPage.strict(
            request.hasLimit() ? request.getLimit() : null,
            request.hasOffset() ? request.getOffset() : null,
            DEFAULT_LIMIT,
            MAX_LIMIT);
    int limit = paging.limit();
    int offset = paging.offset();
    String tenantId = CallContext.tenantId();
    FeedbackLog.Page positive = feedbackLog.list(tenantId, Feedback.Rating.POSITIVE, offset, limit);
    FeedbackLog.Page negative = feedbackLog.list(tenantId, Feedback.Rating.NEGATIVE, offset, limit);
    // The conversations of both pages in one read, not one per feedback.
    Map<String, Conversation> byId =
        conversations.getAll(
            tenantId,
            Stream.concat(positive.feedback().stream(), negative.feedback().stream())
                .map(Feedback::conversationId)
                .distinct()
                .toList());
    ListFeedbackResponse.Builder result =
        ListFeedbackResponse.newBuilder()
            .setPositiveTotal(positive.total())
            .setNegativeTotal(negative.total());
    positive.feedback().forEach(feedback -> result.addPositiveItems(item(feedback, byId)));
    negative.feedback().forEach(feedback -> result.addNegativeItems(item(feedback, byId)));
    respond(response, result.build());
  }

  @Override
  public void getFeedback(GetFeedbackRequest request, StreamObserver<FeedbackItem> response) {
    String tenantId = CallContext.tenantId();
    Feedback feedback = feedbackLog.get(tenantId, request.getId());
    respond(
        response,
        item(
            feedback,
            Map.of(
                feedback.conversationId(),
                conversations.get(tenantId, feedback.conversationId()))));
  }

  @Override
  public void deleteFeedback(
      DeleteFeedbackRequest request, StreamObserver<DeleteFeedbackResponse> response) {
    feedbackLog.delete(CallContext.tenantId(), request.getId());
    respond(
        response,
        DeleteFeedbackResponse.newBuilder()
            .setSuccess(true)
            .setMessage("Feedback " + request.getId() + " deleted")
            .build());
  }

  /** The feedback as Inkeep returns it; with its conversation and message when they are given. */
  private static FeedbackItem item(Feedback feedback, Map<String, Conversation> conversationsById) {
    FeedbackItem.Builder item =
        FeedbackItem.newBuilder()
            .setId(feedback.id())
            .setType(feedback.rating().name().toLowerCase(Locale.ROOT))
            .setMessageId(feedback.messageId())
            .setCreatedAt(Iso8601.format(feedback.createTime()))
            .setUpdatedAt(Iso8601.format(feedback.updateTime()))
            .setReasons(ProtoJson.toValue(feedback.reasonsJson()))
            .setDetails(ProtoJson.stringOrNull(feedback.details()))
            .setProperties(ProtoJson.toValue(feedback.propertiesJson()))
            .setUserProperties(ProtoJson.toValue(feedback.userPropertiesJson()))
            .setSources(ProtoJson.toValue(feedback.sourcesJson()));
    Conversation conversation =
        conversationsById == null ? null : conversationsById.get(feedback.conversationId());
    if (conversation != null) {
      item.setConversation(InkeepMapping.toSelect(conversation));
      conversation.messages().stream()
          .filter(message -> message.id().equals(feedback.messageId()))
          .findFirst()
          .ifPresent(message -> item.setMessage(InkeepMapping.toSelect(conversation, message)));
    }
    return item.build();
  }

  private static Feedback.Rating rating(String type) {
    return switch (type) {
      case "positive" -> Feedback.Rating.POSITIVE;
      case "negative" -> Feedback.Rating.NEGATIVE;
      case "" -> throw ParleyException.invalidArgument("type", "is required");
      default -> throw ParleyException.invalidArgument("type", "must be positive or negative");
    };
  }

  /** reasons: [{label: string, details: string}], both keys required. */
  private static void checkReasons(ListValue reasons) {
    List<Value> items = reasons.getValuesList();
    for (int i = 0; i < items.size(); i++) {
      Map<String, Value> fields = items.get(i).getStructValue().getFieldsMap();
      for (String key : List.of("label", "details")) {
        Value value = fields.get(key);
        if (!items.get(i).hasStructValue() || value == null || !value.hasStringValue()) {
          throw ParleyException.invalidArgument(
              "reasons[" + i + "]." + key, "is required and must be a string");
        }
      }
    }
  }

  /** sources: [{type: positive|negative|new|null, title?, url?}]. */
  private static void checkSources(ListValue sources) {
    List<Value> items = sources.getValuesList();
    for (int i = 0; i < items.size(); i++) {
      if (!items.get(i).hasStructValue()) {
        throw ParleyException.invalidArgument("sources[" + i + "]", "must be an object");
      }
      Value type = items.get(i).getStructValue().getFieldsMap().get("type");
      if (type != null && !type.hasNullValue() && !SOURCE_TYPES.contains(type.getStringValue())) {
        throw ParleyException.invalidArgument(
            "sources[" + i + "].type", "must be positive, negative, new or null");
      }
    }
  }
}
