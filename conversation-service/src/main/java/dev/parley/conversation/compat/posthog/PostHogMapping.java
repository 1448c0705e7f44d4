package dev.parley.conversation.compat.posthog;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.parley.compat.posthog.v1.ConversationMinimal;
import dev.parley.conversation.domain.Assistant.Activity;
import dev.parley.conversation.domain.ContentText;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.Handling;
import dev.parley.conversation.domain.Message;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.time.Iso8601;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Stored conversations in PostHog AI's shapes. */
final class PostHogMapping {
  private PostHogMapping() {}

  /** PostHog's conversation status of an activity. */
  static String status(Activity activity) {
    return switch (activity) {
      case IDLE -> "idle";
      case RUNNING -> "in_progress";
      case CANCELING -> "canceling";
    };
  }

  /** The ConversationMinimal of the SSE {@code conversation} event, as JSON. */
  static String minimalJson(Conversation conversation, Activity activity) {
    try {
      return JsonFormat.printer()
          .omittingInsignificantWhitespace()
          .alwaysPrintFieldsWithNoPresence()
          .print(toMinimal(conversation, activity));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("A ConversationMinimal did not print", e);
    }
  }

  /** A human message as PostHog's SSE sends it: nulls left out. */
  static String humanJson(Message message) {
    return ProtoJson.toJson(message(message));
  }

  /** An AI message as it grows (no id yet) and once stored (its id). */
  static String aiJson(String id, String text) {
    Struct.Builder message =
        Struct.newBuilder().putFields("type", string("ai")).putFields("content", string(text));
    if (id != null) {
      message.putFields("id", string(messageId(id)));
    }
    return ProtoJson.toJson(message.build());
  }

  /**
   * A message id as PostHog clients parse it, a UUID: ids written through PostHog are UUIDs, and
   * other front doors' ids map to a name-based UUID of their own (stable, never another's).
   */
  static String messageId(String id) {
    try {
      if (id.length() == 36) {
        return UUID.fromString(id).toString();
      }
    } catch (IllegalArgumentException e) {
      // not a UUID: named below
    }
    return UUID.nameUUIDFromBytes(("message\n" + id).getBytes(StandardCharsets.UTF_8)).toString();
  }

  static ConversationMinimal toMinimal(Conversation conversation, Activity activity) {
    return ConversationMinimal.newBuilder()
        .setId(conversation.id())
        .setStatus(status(activity))
        .setTitle(ProtoJson.stringOrNull(conversation.title()))
        .setUser(user(conversation))
        .setCreatedAt(Iso8601.format(conversation.createTime()))
        .setUpdatedAt(Iso8601.format(conversation.updateTime()))
        .setType("assistant")
        .setIsInternal(false)
        .setSlackThreadKey(ProtoJson.nullValue())
        .setSlackWorkspaceDomain(ProtoJson.nullValue())
        .build();
  }

  static dev.parley.compat.posthog.v1.Conversation toConversation(
      Conversation conversation, Activity activity) {
    ConversationMinimal minimal = toMinimal(conversation, activity);
    var result =
        dev.parley.compat.posthog.v1.Conversation.newBuilder()
            .setId(minimal.getId())
            .setStatus(minimal.getStatus())
            .setTitle(minimal.getTitle())
            .setUser(minimal.getUser())
            .setCreatedAt(minimal.getCreatedAt())
            .setUpdatedAt(minimal.getUpdatedAt())
            .setType(minimal.getType())
            .setIsInternal(false)
            .setSlackThreadKey(minimal.getSlackThreadKey())
            .setSlackWorkspaceDomain(minimal.getSlackWorkspaceDomain())
            .setHasUnsupportedContent(false)
            .setAgentMode(ProtoJson.nullValue())
            .setIsSandbox(false);
    for (Message message : conversation.messages()) {
      result.addMessages(message(message));
    }
    return result.build();
  }

  /**
   * A message as PostHog's agent state holds it: {type, id, content}; the user's messages are
   * "human", tool output "tool", everything else "ai".
   */
  private static Struct message(Message message) {
    String type =
        switch (message.role()) {
          case "user" -> "human";
          case "tool" -> "tool";
          default -> "ai";
        };
    Struct.Builder result =
        Struct.newBuilder()
            .putFields("type", string(type))
            .putFields("content", string(ContentText.plain(message.contentJson())))
            .putFields("id", string(messageId(message.id())));
    if (type.equals("human") && message.propertiesJson() != null) {
      // What the client sent with it: its trace id and UI context.
      Struct properties = ProtoJson.toStruct(message.propertiesJson());
      for (String field : new String[] {"ui_context", "trace_id"}) {
        Value value = properties.getFieldsOrDefault(field, null);
        if (value != null && !value.hasNullValue()) {
          result.putFields(field, value);
        }
      }
    }
    return result.build();
  }

  /**
   * The end user as a UserBasic; PostHog's numeric id and uuid are derived from the end user's id,
   * so they are stable. Null when the conversation names no end user.
   */
  private static Value user(Conversation conversation) {
    Handling handling = conversation.handling();
    if (handling.endUserId() == null && handling.endUserEmail() == null) {
      return ProtoJson.nullValue();
    }
    String key = handling.endUserId() != null ? handling.endUserId() : handling.endUserEmail();
    UUID uuid =
        UUID.nameUUIDFromBytes(
            (conversation.tenantId() + "\n" + key).getBytes(StandardCharsets.UTF_8));
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields(
                    "id",
                    Value.newBuilder().setNumberValue(uuid.getMostSignificantBits() >>> 33).build())
                .putFields("uuid", string(uuid.toString()))
                .putFields("distinct_id", ProtoJson.stringOrNull(handling.endUserId()))
                .putFields("first_name", string(""))
                .putFields("last_name", string(""))
                .putFields(
                    "email", string(handling.endUserEmail() == null ? "" : handling.endUserEmail()))
                .putFields("is_email_verified", ProtoJson.nullValue())
                .putFields("hedgehog_config", ProtoJson.nullValue())
                .putFields("role_at_organization", ProtoJson.nullValue()))
        .build();
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }
}
