package dev.parley.ticket.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A support ticket. JSON parts (traits, session context) are JSON text; nullable fields are null
 * when absent. The assignee is {@code user:<id>} or {@code role:<uuid>}.
 */
public record Ticket(
    String tenantId,
    UUID id,
    int number,
    String channelSource,
    String distinctId,
    String status,
    String priority,
    Assignee assignee,
    String anonymousTraitsJson,
    boolean aiResolved,
    String escalationReason,
    int messageCount,
    Instant lastMessageAt,
    String lastMessageText,
    int unreadTeamCount,
    int unreadCustomerCount,
    String sessionId,
    String sessionContextJson,
    Instant slaDueAt,
    Instant snoozedUntil,
    List<String> tags,
    String conversationId,
    Instant createdAt,
    Instant updatedAt) {
  public Ticket {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(id, "id is null");
    requireNonNull(channelSource, "channelSource is null");
    requireNonNull(distinctId, "distinctId is null");
    requireNonNull(status, "status is null");
    requireNonNull(anonymousTraitsJson, "anonymousTraitsJson is null");
    requireNonNull(sessionContextJson, "sessionContextJson is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
    tags = ImmutableList.copyOf(tags);
  }

  /** A user (numeric id) or a role (UUID). */
  public record Assignee(String type, String id) {
    public Assignee {
      requireNonNull(type, "type is null");
      requireNonNull(id, "id is null");
    }
  }
}
