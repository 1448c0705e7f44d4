package dev.parley.ticket.compat.posthog;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.conversation.v1.EndUserProfile;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.ticket.domain.Ticket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/** Tickets in PostHog's shape. */
final class PostHogTicketMapping {
  /** DRF's DateTimeField: microseconds, UTC as Z. */
  private static final DateTimeFormatter DRF_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** The channel's text fields a caller may record, with PostHog's longest values. */
  static final java.util.Map<String, Integer> CHANNEL_TEXT_FIELDS =
      com.google.common.collect.ImmutableMap.of(
          "channel_detail", 32,
          "email_subject", 500,
          "email_from", 254,
          "email_to", 254,
          "github_repo", 256);

  /** PostHog's ChannelDetail values. */
  static final java.util.List<String> CHANNEL_DETAILS =
      java.util.List.of(
          "slack_channel_message",
          "slack_bot_mention",
          "slack_emoji_reaction",
          "teams_channel_message",
          "teams_bot_mention",
          "widget_embedded",
          "widget_api",
          "github_issue");

  /** The most CC participants a ticket records. */
  static final int MAX_CC = 100;

  private PostHogTicketMapping() {}

  /** The ticket with its customer as a person (null when conversation-service knows none). */
  static dev.parley.compat.posthog.v1.Ticket toTicket(Ticket ticket, EndUserProfile person) {
    return toTicket(ticket).toBuilder()
        .setPerson(person == null ? ProtoJson.nullValue() : person(ticket.tenantId(), person))
        .build();
  }

  /**
   * TicketPerson: {id, name, distinct_ids, properties, created_at, is_identified}. The id is
   * derived from the end user's id, the same UUID PostHog conversations show for that user.
   */
  private static Value person(String tenantId, EndUserProfile profile) {
    Struct.Builder properties = profile.getProperties().toBuilder();
    if (!profile.getEmail().isEmpty()) {
      properties.putFields("email", string(profile.getEmail()));
    }
    Value name = properties.getFieldsOrDefault("name", null);
    String displayName =
        name != null && name.hasStringValue()
            ? name.getStringValue()
            : (profile.getEmail().isEmpty() ? profile.getId() : profile.getEmail());
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields(
                    "id",
                    string(
                        UUID.nameUUIDFromBytes(
                                (tenantId + "\n" + profile.getId())
                                    .getBytes(StandardCharsets.UTF_8))
                            .toString()))
                .putFields("name", string(displayName))
                .putFields(
                    "distinct_ids",
                    Value.newBuilder()
                        .setListValue(ListValue.newBuilder().addValues(string(profile.getId())))
                        .build())
                .putFields("properties", Value.newBuilder().setStructValue(properties).build())
                .putFields(
                    "created_at",
                    string(
                        time(
                            Instant.ofEpochSecond(
                                profile.getFirstSeenTime().getSeconds(),
                                profile.getFirstSeenTime().getNanos()))))
                .putFields(
                    "is_identified",
                    Value.newBuilder().setBoolValue(!profile.getEmail().isEmpty()).build()))
        .build();
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }

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
        .mergeFrom(channel(ticket.channelJson()))
        .build();
  }

  /** The channel fields: null when unknown, cc_participants [] when none. */
  private static dev.parley.compat.posthog.v1.Ticket channel(String channelJson) {
    Struct stored = struct(channelJson);
    Value cc = stored.getFieldsOrDefault("cc_participants", null);
    Value number = stored.getFieldsOrDefault("github_issue_number", ProtoJson.nullValue());
    return dev.parley.compat.posthog.v1.Ticket.newBuilder()
        .setChannelDetail(stored.getFieldsOrDefault("channel_detail", ProtoJson.nullValue()))
        .setEmailSubject(stored.getFieldsOrDefault("email_subject", ProtoJson.nullValue()))
        .setEmailFrom(stored.getFieldsOrDefault("email_from", ProtoJson.nullValue()))
        .setEmailTo(stored.getFieldsOrDefault("email_to", ProtoJson.nullValue()))
        .addAllCcParticipants(
            cc == null
                ? java.util.List.of()
                : cc.getListValue().getValuesList().stream().map(Value::getStringValue).toList())
        .setGithubRepo(stored.getFieldsOrDefault("github_repo", ProtoJson.nullValue()))
        .setGithubIssueNumber(number)
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
