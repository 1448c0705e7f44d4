package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** Feedback on one message. Free-form parts are JSON text; null means absent. */
public record Feedback(
    String tenantId,
    String id,
    String conversationId,
    String messageId,
    Rating rating,
    String reasonsJson,
    String details,
    String sourcesJson,
    String propertiesJson,
    String userPropertiesJson,
    Author author,
    Instant createTime,
    Instant updateTime) {
  public Feedback {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(id, "id is null");
    requireNonNull(conversationId, "conversationId is null");
    requireNonNull(messageId, "messageId is null");
    requireNonNull(rating, "rating is null");
    requireNonNull(author, "author is null");
    requireNonNull(createTime, "createTime is null");
    requireNonNull(updateTime, "updateTime is null");
  }

  /** Who gave the feedback: the end user, or an agent (Alli's agentRating). */
  public enum Author {
    USER,
    AGENT
  }

  /** Thumbs up or down. */
  public enum Rating {
    POSITIVE,
    NEGATIVE
  }
}
