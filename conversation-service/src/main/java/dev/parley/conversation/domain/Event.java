package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A client-side event about a message, a conversation or a search, kept for analytics. */
public record Event(
    String tenantId,
    String id,
    String type,
    EntityType entityType,
    String messageId,
    String conversationId,
    String searchQuery,
    String projectId,
    String integrationId,
    String propertiesJson,
    String userPropertiesJson,
    Instant createTime) {
  public Event {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(id, "id is null");
    requireNonNull(type, "type is null");
    requireNonNull(entityType, "entityType is null");
    requireNonNull(createTime, "createTime is null");
  }

  /** What the event is about. */
  public enum EntityType {
    MESSAGE,
    CONVERSATION,
    SEARCH
  }
}
