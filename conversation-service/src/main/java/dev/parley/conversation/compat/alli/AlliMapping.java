package dev.parley.conversation.compat.alli;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.alli.v2.Chat;
import dev.parley.conversation.domain.ContentText;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.Feedback;
import dev.parley.conversation.domain.Handling;
import dev.parley.conversation.domain.Message;
import dev.parley.platform.proto.ProtoJson;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Stored conversations in Alli's shapes. */
final class AlliMapping {
  /** "The chats provided in conversation are the most recent 20." */
  static final int RECENT_CHATS = 20;

  private AlliMapping() {}

  static dev.parley.compat.alli.v2.Conversation toConversation(
      Conversation conversation, List<Feedback> feedback, List<String> variables) {
    Handling handling = conversation.handling();
    Map<String, Ratings> ratings = ratings(feedback);
    List<Message> messages = conversation.messages();
    var result =
        dev.parley.compat.alli.v2.Conversation.newBuilder()
            .setId(conversation.id())
            .setTitle(conversation.title() == null ? "" : conversation.title())
            .setUser(user(handling))
            .setCreatedAt(millis(conversation.createTime()))
            .setLastChatTime(
                conversation.lastMessageTime() == null
                    ? ProtoJson.nullValue()
                    : Value.newBuilder()
                        .setNumberValue(millis(conversation.lastMessageTime()))
                        .build())
            .setIsEnd(handling.ended())
            .addAllCategories(handling.categories() == null ? List.of() : handling.categories())
            .setMemo(stringProperty(conversation, "memo"))
            .setChatCount(conversation.messageCount())
            .setLlmApp(llmApp(conversation))
            .setVariables(variables(conversation, variables))
            .setState(handling.state() == null ? "" : handling.state())
            .setAssignee(handling.assignee() == null ? "" : handling.assignee());
    for (Message message :
        messages.subList(Math.max(0, messages.size() - RECENT_CHATS), messages.size())) {
      result.addChats(chat(message, ratings.get(message.id())));
    }
    return result.build();
  }

  static Chat chat(Message message, Ratings ratings) {
    Chat.Builder chat =
        Chat.newBuilder()
            .setId(message.id())
            .setSender(sender(message.role()))
            .setMessage(ContentText.plain(message.contentJson()))
            .setTimestamp(millis(message.createTime()))
            .setRating(ratingValue(ratings == null ? null : ratings.user()))
            .setAgentRating(ratingValue(ratings == null ? null : ratings.agent()));
    if (message.linksJson() != null) {
      for (Value link : ProtoJson.toListValue(message.linksJson()).getValuesList()) {
        chat.addCitations(citation(link.getStructValue()));
      }
    }
    return chat.build();
  }

  /** The latest user and agent rating of each message. */
  record Ratings(Feedback user, Feedback agent) {}

  static Map<String, Ratings> ratings(List<Feedback> feedback) {
    Map<String, Ratings> byMessage = new HashMap<>();
    for (Feedback item : feedback) {
      Ratings current = byMessage.getOrDefault(item.messageId(), new Ratings(null, null));
      byMessage.put(
          item.messageId(),
          item.author() == Feedback.Author.AGENT
              ? new Ratings(current.user(), later(current.agent(), item))
              : new Ratings(later(current.user(), item), current.agent()));
    }
    return byMessage;
  }

  /** USER for the end user, BOT for the assistant (and system or tool output), AGENT otherwise. */
  private static String sender(String role) {
    return switch (role) {
      case "user" -> "USER";
      case "assistant", "system", "tool", "function" -> "BOT";
      default -> "AGENT";
    };
  }

  static double millis(Instant instant) {
    return instant.toEpochMilli();
  }

  private static Value user(Handling handling) {
    if (handling.endUserId() == null) {
      return ProtoJson.nullValue();
    }
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields("userId", string(handling.endUserId()))
                .putFields("firstName", string(""))
                .putFields("lastName", string("")))
        .build();
  }

  /** The conversation's integration plays the LLM app. */
  private static Value llmApp(Conversation conversation) {
    if (conversation.integrationId() == null) {
      return ProtoJson.nullValue();
    }
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields("id", string(conversation.integrationId()))
                .putFields("name", string(conversation.integrationId()))
                .putFields("description", string("")))
        .build();
  }

  /** The asked-for variables that the conversation's properties hold. */
  private static Struct variables(Conversation conversation, List<String> names) {
    Struct.Builder variables = Struct.newBuilder();
    if (names.isEmpty() || conversation.propertiesJson() == null) {
      return variables.build();
    }
    Struct properties = ProtoJson.toStruct(conversation.propertiesJson());
    for (String name : names) {
      if (properties.containsFields(name)) {
        variables.putFields(name, properties.getFieldsOrThrow(name));
      }
    }
    return variables.build();
  }

  private static Value citation(Struct link) {
    return Value.newBuilder()
        .setStructValue(
            Struct.newBuilder()
                .putFields("clueId", string(""))
                .putFields("source", string("WEB"))
                .putFields("title", string(firstString(link, "title", "label")))
                .putFields("knowledgeBaseId", string(""))
                .putFields("pageNo", ProtoJson.nullValue())
                .putFields("url", string(firstString(link, "url")))
                .putFields("text", string(firstString(link, "description"))))
        .build();
  }

  private static Value ratingValue(Feedback feedback) {
    return feedback == null
        ? ProtoJson.nullValue()
        : Value.newBuilder().setBoolValue(feedback.rating() == Feedback.Rating.POSITIVE).build();
  }

  private static Feedback later(Feedback current, Feedback candidate) {
    return current == null || candidate.updateTime().isAfter(current.updateTime())
        ? candidate
        : current;
  }

  private static String stringProperty(Conversation conversation, String key) {
    if (conversation.propertiesJson() == null) {
      return "";
    }
    return firstString(ProtoJson.toStruct(conversation.propertiesJson()), key);
  }

  private static String firstString(Struct struct, String... keys) {
    for (String key : keys) {
      Value value = struct.getFieldsOrDefault(key, null);
      if (value != null && value.hasStringValue()) {
        return value.getStringValue();
      }
    }
    return "";
  }

  private static Value string(String text) {
    return Value.newBuilder().setStringValue(text).build();
  }
}
