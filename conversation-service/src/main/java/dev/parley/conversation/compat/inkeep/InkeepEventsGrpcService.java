package dev.parley.conversation.compat.inkeep;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import dev.parley.compat.inkeep.v1.EventSelect;
import dev.parley.compat.inkeep.v1.InkeepEventsServiceGrpc;
import dev.parley.compat.inkeep.v1.LogEventRequest;
import dev.parley.conversation.domain.Event;
import dev.parley.conversation.domain.FeedbackLog;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.time.Iso8601;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/** Inkeep Analytics' Log Event: any event name about a message, a conversation or a search. */
public final class InkeepEventsGrpcService
    extends InkeepEventsServiceGrpc.InkeepEventsServiceImplBase {
  private static final int MAX_TYPE_LENGTH = 128;

  private final FeedbackLog feedbackLog;

  @Inject
  public InkeepEventsGrpcService(FeedbackLog feedbackLog) {
    this.feedbackLog = requireNonNull(feedbackLog, "feedbackLog is null");
  }

  @Override
  public void logEvent(LogEventRequest request, StreamObserver<EventSelect> response) {
    if (request.getType().isEmpty() || request.getType().length() > MAX_TYPE_LENGTH) {
      throw ParleyException.invalidArgument(
          "type", "is required, at most " + MAX_TYPE_LENGTH + " characters");
    }
    Event.EntityType entityType =
        switch (request.getEntityType()) {
          case "message" -> Event.EntityType.MESSAGE;
          case "conversation" -> Event.EntityType.CONVERSATION;
          case "search" -> Event.EntityType.SEARCH;
          case "" -> throw ParleyException.invalidArgument("entityType", "is required");
          default ->
              throw ParleyException.invalidArgument(
                  "entityType", "must be message, conversation or search");
        };
    String messageId =
        required(
            entityType == Event.EntityType.MESSAGE,
            "messageId",
            request.hasMessageId(),
            request.getMessageId());
    String conversationId =
        required(
            entityType == Event.EntityType.CONVERSATION,
            "conversationId",
            request.hasConversationId(),
            request.getConversationId());
    String searchQuery =
        required(
            entityType == Event.EntityType.SEARCH,
            "searchQuery",
            request.hasSearchQuery(),
            request.getSearchQuery());
    Instant createTime =
        Iso8601.parse("createdAt", request.hasCreatedAt() ? request.getCreatedAt() : null);
    Event event =
        feedbackLog.recordEvent(
            new Event(
                CallContext.tenantId(),
                request.hasId()
                    ? request.getId()
                    : "evt_" + UUID.randomUUID().toString().replace("-", ""),
                request.getType(),
                entityType,
                messageId,
                conversationId,
                searchQuery,
                request.hasProjectId() ? request.getProjectId() : null,
                request.hasIntegrationId() ? request.getIntegrationId() : null,
                request.hasProperties() ? ProtoJson.toJson(request.getProperties()) : null,
                request.hasUserProperties() ? ProtoJson.toJson(request.getUserProperties()) : null,
                createTime != null ? createTime : feedbackLog.now()));
    EventSelect.Builder select =
        EventSelect.newBuilder()
            .setId(event.id())
            .setType(event.type())
            .setEntityType(event.entityType().name().toLowerCase(Locale.ROOT))
            .setCreatedAt(Iso8601.format(event.createTime()))
            .setProjectId(ProtoJson.stringOrNull(event.projectId()))
            .setIntegrationId(ProtoJson.stringOrNull(event.integrationId()))
            .setProperties(ProtoJson.toValue(event.propertiesJson()))
            .setUserProperties(ProtoJson.toValue(event.userPropertiesJson()));
    if (messageId != null) {
      select.setMessageId(messageId);
    }
    if (conversationId != null) {
      select.setConversationId(conversationId);
    }
    if (searchQuery != null) {
      select.setSearchQuery(searchQuery);
    }
    respond(response, select.build());
  }

  /** The entity id when the entity type needs it (required then); null otherwise. */
  private static String required(boolean needed, String field, boolean present, String value) {
    if (!needed) {
      return null;
    }
    if (!present || value.isEmpty()) {
      throw ParleyException.invalidArgument(field, "is required for this entityType");
    }
    return value;
  }
}
