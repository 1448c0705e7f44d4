package dev.parley.ticket.compat.posthog;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.ticket.domain.Ticket;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Tickets in PostHog's shape. */
final class PostHogTicketMapping {
  /** DRF's DateTimeField: microseconds, UTC as Z. */
  private static final DateTimeFormatter DRF_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private PostHogTicketMapping() {}

  static dev.parley.compat.posthog.v1.Ticket toTicket(Ticket ticket) {
    return dev.parley.compat.posthog.v1.Ticket.newBuilder()
        .setId(ticket.id().toString())
        .setTicketNumber(ticket.number())
        .setChannelSource(ticket.channelSource())
        .setDistinctId(ticket.distinctId())
        .setStatus(ticket.status())
        .setPriority(ProtoJson.stringOrNull(ticket.priority()))
        .setAssignee(assignee(ticket.assignee()))
        .setAnonymousTraits(struct(ticket.anonymousTraitsJson()))
        .setAiResolved(ticket.aiResolved())
        .setEscalationReason(ProtoJson.stringOrNull(ticket.escalationReason()))
        .setCreatedAt(time(ticket.createdAt()))
        .setUpdatedAt(time(ticket.updatedAt()))
        .setMessageCount(ticket.messageCount())
        .setLastMessageAt(timeOrNull(ticket.lastMessageAt()))
        .setLastMessageText(ProtoJson.stringOrNull(ticket.lastMessageText()))
        .setUnreadTeamCount(ticket.unreadTeamCount())
        .setUnreadCustomerCount(ticket.unreadCustomerCount())
        .setSessionId(ProtoJson.stringOrNull(ticket.sessionId()))
        .setSessionContext(struct(ticket.sessionContextJson()))
        .setSlaDueAt(timeOrNull(ticket.slaDueAt()))
        .setSlackChannelId(ProtoJson.nullValue())
        .setSlackThreadTs(ProtoJson.nullValue())
        .setSlackTeamId(ProtoJson.nullValue())
        .setPerson(ProtoJson.nullValue())
        .addAllTags(ticket.tags())
        .setSnoozedUntil(timeOrNull(ticket.snoozedUntil()))
        .build();
  }

  static String time(Instant instant) {
    return DRF_TIME.format(instant.truncatedTo(ChronoUnit.MICROS));
  }

  /**
   * TicketAssignment: {id, type, user, role}; a user's id is a number. Parley keeps no user
   * directory, so user and role are null.
   */
  private static Value assignee(Ticket.Assignee assignee) {
    if (assignee == null) {
      return ProtoJson.nullValue();
    }
    Value id =
        assignee.type().equals("user")
            ? Value.newBuilder().setNumberValue(Long.parseLong(assignee.id())).build()
            : Value.newBuilder().setStringValue(assignee.id()).build();
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields("id", id)
                .putFields("type", Value.newBuilder().setStringValue(assignee.type()).build())
                .putFields("user", ProtoJson.nullValue())
                .putFields("role", ProtoJson.nullValue()))
        .build();
  }

  private static Value timeOrNull(Instant instant) {
    return instant == null
        ? ProtoJson.nullValue()
        : Value.newBuilder().setStringValue(time(instant)).build();
  }

  private static Struct struct(String json) {
    Value value = ProtoJson.toValue(json);
    return value.hasStructValue() ? value.getStructValue() : Struct.getDefaultInstance();
  }
}
