package dev.parley.ticket.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A support ticket. JSON parts (traits, session context, what the channel knows: {@code
 * channel_detail}, {@code email_subject}, ... as PostHog names them) are JSON text; nullable fields
 * are null when absent. The assignee is {@code user:<id>} or {@code role:<uuid>}.
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
    String channelJson,
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
    requireNonNull(channelJson, "channelJson is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(updatedAt, "updatedAt is null");
    tags = ImmutableList.copyOf(tags);
  }

  /** A user (numeric id) or a role (UUID). */
  public record Assignee(String type, String id) {
    private static final Pattern USER = Pattern.compile("\\d{1,18}");
    private static final Pattern ROLE = Pattern.compile("[0-9a-fA-F-]{36}");

    public Assignee {
      requireNonNull(type, "type is null");
      requireNonNull(id, "id is null");
    }

    /**
     * {@code user:<numeric id>} or {@code role:<uuid>}, in the canonical form Parley stores (no
     * leading zeros, lower-case UUID); empty for anything else.
     */
    public static Optional<Assignee> parse(String text) {
      int colon = text.indexOf(':');
      String type = colon < 0 ? "" : text.substring(0, colon);
      String id = colon < 0 ? "" : text.substring(colon + 1);
      if (type.equals("user") && USER.matcher(id).matches()) {
        return Optional.of(new Assignee("user", Long.toString(Long.parseLong(id))));
      }
      if (type.equals("role") && ROLE.matcher(id).matches()) {
        try {
          return Optional.of(new Assignee("role", UUID.fromString(id).toString()));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
      return Optional.empty();
    }

    /** {@code user:<id>} or {@code role:<uuid>}. */
    public String text() {
      return type + ":" + id;
    }
  }

  /**
   * A ticket as opened, before its number is allocated: status new, nothing read, nothing assigned,
   * no traits or tags.
   */
  public static Ticket open(
      String tenantId,
      String channelSource,
      String distinctId,
      String sessionId,
      String conversationId,
      Instant now) {
    return new Ticket(
        tenantId,
        UUID.randomUUID(),
        0,
        channelSource,
        distinctId,
        "new",
        null,
        null,
        "{}",
        false,
        null,
        0,
        null,
        null,
        0,
        0,
        sessionId,
        "{}",
        null,
        null,
        List.of(),
        "{}",
        conversationId,
        now,
        now);
  }

  /** This ticket with these unread counts (team: customer messages; customer: team's). */
  public Ticket withUnread(int team, int customer) {
    return new Ticket(
        tenantId(),
        id(),
        number(),
        channelSource(),
        distinctId(),
        status(),
        priority(),
        assignee(),
        anonymousTraitsJson(),
        aiResolved(),
        escalationReason(),
        messageCount(),
        lastMessageAt(),
        lastMessageText(),
        team,
        customer,
        sessionId(),
        sessionContextJson(),
        slaDueAt(),
        snoozedUntil(),
        tags(),
        channelJson(),
        conversationId(),
        createdAt(),
        updatedAt());
  }
}
