package dev.parley.conversation.compat.inkeep;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.inkeep.v1.ConversationSelect;
import dev.parley.compat.inkeep.v1.CreateMessage;
import dev.parley.compat.inkeep.v1.LogConversationRequest;
import dev.parley.compat.inkeep.v1.MessageSelect;
import dev.parley.compat.inkeep.v1.OpenAIMessage;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationDraft.Kept;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.Visibility;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.time.Iso8601;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Inkeep's JSON shapes to and from the domain, with Inkeep's rules: the conversation {@code type}
 * decides the allowed roles and content, timestamps are ISO 8601 with a zone, and the response
 * carries every field, null when absent.
 */
final class InkeepMapping {
  private static final Set<String> OPENAI_ROLES = Set.of("system", "user", "assistant");
  private static final Set<String> CONTENT_ITEM_TYPES = Set.of("text", "image_url");

  private InkeepMapping() {}

  static ConversationDraft toDraft(LogConversationRequest request, String origin) {
    ConversationKind kind = kind(request.getType());
    if (request.getMessagesCount() == 0) {
      throw ParleyException.invalidArgument("messages", "must contain at least one message");
    }
    List<MessageDraft> messages = new ArrayList<>();
    for (int index = 0; index < request.getMessagesCount(); index++) {
      messages.add(toDraft(kind, request.getType(), index, request.getMessages(index)));
    }
    ConversationDraft.Builder draft =
        ConversationDraft.builder()
            .id(request.hasId() ? request.getId() : null)
            .kind(kind)
            .origin(origin)
            // Inkeep has no title: one set through another front door stays.
            .keep(Kept.TITLE);
    if (request.hasExternalId()) {
      draft.externalId(string("externalId", request.getExternalId()));
    } else {
      draft.keep(Kept.EXTERNAL_ID);
    }
    if (request.hasExternalUrl()) {
      draft.externalUrl(string("externalUrl", request.getExternalUrl()));
    } else {
      draft.keep(Kept.EXTERNAL_URL);
    }
    if (request.hasVisibility()) {
      String visibility = string("visibility", request.getVisibility());
      draft.visibility(visibility == null ? null : visibility(visibility));
    } else {
      draft.keep(Kept.VISIBILITY);
    }
    if (request.hasSupportTicketConversationId()) {
      draft.supportTicketConversationId(
          string("supportTicketConversationId", request.getSupportTicketConversationId()));
    } else {
      draft.keep(Kept.SUPPORT_TICKET_CONVERSATION_ID);
    }
    if (request.hasProjectId()) {
      draft.projectId(string("projectId", request.getProjectId()));
    } else {
      draft.keep(Kept.PROJECT_ID);
    }
    if (request.hasIntegrationId()) {
      draft.integrationId(string("integrationId", request.getIntegrationId()));
    } else {
      draft.keep(Kept.INTEGRATION_ID);
    }
    if (request.hasProperties()) {
      Struct properties = object("properties", request.getProperties());
      draft.propertiesJson(properties == null ? null : ProtoJson.toJson(properties));
    } else {
      draft.keep(Kept.PROPERTIES);
    }
    if (request.hasUserProperties()) {
      Struct userProperties = object("userProperties", request.getUserProperties());
      draft
          .userPropertiesJson(userProperties == null ? null : ProtoJson.toJson(userProperties))
          .handling(userProperties == null ? null : endUser(userProperties));
    } else {
      draft.keep(Kept.USER_PROPERTIES);
    }
    if (request.hasTags()) {
      draft.tags(strings("tags", request.getTags()));
    } else {
      draft.keep(Kept.TAGS);
    }
    return draft
        .createTime(
            Iso8601.parse("createdAt", request.hasCreatedAt() ? request.getCreatedAt() : null))
        .updateTime(
            Iso8601.parse("updatedAt", request.hasUpdatedAt() ? request.getUpdatedAt() : null))
        .messages(messages)
        .build();
  }

  /** A string field of the body: its text, or null for an explicit null. */
  private static String string(String field, Value value) {
    if (value.hasNullValue()) {
      return null;
    }
    if (!value.hasStringValue()) {
      throw ParleyException.invalidArgument(field, "must be a string or null");
    }
    return value.getStringValue();
  }

  /** An object field of the body, or null for an explicit null. */
  private static Struct object(String field, Value value) {
    if (value.hasNullValue()) {
      return null;
    }
    if (!value.hasStructValue()) {
      throw ParleyException.invalidArgument(field, "must be an object or null");
    }
    return value.getStructValue();
  }

  /** An array of strings, or null for an explicit null. */
  private static List<String> strings(String field, Value value) {
    if (value.hasNullValue()) {
      return null;
    }
    if (!value.hasListValue()) {
      throw ParleyException.invalidArgument(field, "must be an array of strings or null");
    }
    List<String> strings = new ArrayList<>();
    for (Value item : value.getListValue().getValuesList()) {
      if (!item.hasStringValue()) {
        throw ParleyException.invalidArgument(field, "must be an array of strings or null");
      }
      strings.add(item.getStringValue());
    }
    return strings;
  }

  /**
   * The end user named by userProperties.id and .email (strings), so Alli's user filter and the
   * native end_user see Inkeep's users; absent keys keep what is stored.
   */
  private static HandlingChange endUser(Struct userProperties) {
    Value id = userProperties.getFieldsOrDefault("id", null);
    Value email = userProperties.getFieldsOrDefault("email", null);
    return HandlingChange.builder()
        .endUserId(Edit.emptyClears(id != null && id.hasStringValue() ? id.getStringValue() : null))
        .endUserEmail(
            Edit.emptyClears(
                email != null && email.hasStringValue() ? email.getStringValue() : null))
        .build();
  }

  private static MessageDraft toDraft(
      ConversationKind kind, String type, int index, CreateMessage message) {
    String field = "messages[" + index + "]";
    if (message.hasType() && !message.getType().equals(type)) {
      throw ParleyException.invalidArgument(
          field + ".type", "must match the conversation type '" + type + "'");
    }
    if (message.getRole().isEmpty()) {
      throw ParleyException.invalidArgument(field + ".role", "is required");
    }
    if (kind == ConversationKind.CHAT) {
      if (!OPENAI_ROLES.contains(message.getRole())) {
        throw ParleyException.invalidArgument(
            field + ".role", "must be system, user or assistant in openai conversations");
      }
      checkOpenAiContent(field + ".content", message);
    } else if (message.hasToolCalls()) {
      throw ParleyException.invalidArgument(
          field + ".tool_calls", "are only allowed in openai conversations");
    } else if (message.hasContent()
        && !message.getContent().hasStringValue()
        && !message.getContent().hasNullValue()) {
      throw ParleyException.invalidArgument(
          field + ".content", "must be a string or null in " + type + " conversations");
    }
    if (message.hasLinks()) {
      checkLinks(field + ".links", message.getLinks());
    }
    if (message.hasToolCalls()) {
      checkObjects(field + ".tool_calls", message.getToolCalls());
    }
    Value content = message.hasContent() ? message.getContent() : null;
    return MessageDraft.builder()
        .id(message.hasId() ? message.getId() : null)
        .role(message.getRole())
        .contentJson(content == null || content.hasNullValue() ? null : ProtoJson.toJson(content))
        .name(message.hasName() ? message.getName() : null)
        .externalId(message.hasExternalId() ? message.getExternalId() : null)
        .externalUrl(message.hasExternalUrl() ? message.getExternalUrl() : null)
        .linksJson(message.hasLinks() ? ProtoJson.toJson(message.getLinks()) : null)
        .toolCallsJson(message.hasToolCalls() ? ProtoJson.toJson(message.getToolCalls()) : null)
        .propertiesJson(message.hasProperties() ? ProtoJson.toJson(message.getProperties()) : null)
        .userPropertiesJson(
            message.hasUserProperties() ? ProtoJson.toJson(message.getUserProperties()) : null)
        .createTime(
            Iso8601.parse(
                field + ".createdAt", message.hasCreatedAt() ? message.getCreatedAt() : null))
        .updateTime(
            Iso8601.parse(
                field + ".updatedAt", message.hasUpdatedAt() ? message.getUpdatedAt() : null))
        .build();
  }

  /** openai content: a string, or an array of {type: text|image_url, ...} items. */
  private static void checkOpenAiContent(String field, CreateMessage message) {
    if (!message.hasContent() || message.getContent().hasNullValue()) {
      if (message.hasToolCalls()) {
        return; // An assistant message that only calls tools has null content, as in OpenAI.
      }
      throw ParleyException.invalidArgument(field, "is required in openai conversations");
    }
    Value content = message.getContent();
    if (content.hasStringValue()) {
      return;
    }
    if (!content.hasListValue()) {
      throw ParleyException.invalidArgument(field, "must be a string or an array of content items");
    }
    List<Value> items = content.getListValue().getValuesList();
    for (int i = 0; i < items.size(); i++) {
      Value item = items.get(i);
      Value type = item.getStructValue().getFieldsOrDefault("type", Value.getDefaultInstance());
      if (!item.hasStructValue() || !CONTENT_ITEM_TYPES.contains(type.getStringValue())) {
        throw ParleyException.invalidArgument(
            field + "[" + i + "].type", "must be 'text' or 'image_url'");
      }
    }
  }

  private static void checkLinks(String field, ListValue links) {
    checkObjects(field, links);
    for (int i = 0; i < links.getValuesCount(); i++) {
      Value url =
          links.getValues(i).getStructValue().getFieldsOrDefault("url", Value.getDefaultInstance());
      if (!url.hasStringValue()) {
        throw ParleyException.invalidArgument(field + "[" + i + "].url", "is required");
      }
    }
  }

  private static void checkObjects(String field, ListValue list) {
    for (int i = 0; i < list.getValuesCount(); i++) {
      if (!list.getValues(i).hasStructValue()) {
        throw ParleyException.invalidArgument(field + "[" + i + "]", "must be an object");
      }
    }
  }

  static ConversationSelect toSelect(Conversation conversation) {
    String type = type(conversation.kind());
    ConversationSelect.Builder select =
        ConversationSelect.newBuilder()
            .setId(conversation.id())
            .setExternalId(ProtoJson.stringOrNull(conversation.externalId()))
            .setExternalUrl(ProtoJson.stringOrNull(conversation.externalUrl()))
            .setType(type)
            .setSupportTicketConversationId(
                ProtoJson.stringOrNull(conversation.supportTicketConversationId()))
            .setCreatedAt(Iso8601.format(conversation.createTime()))
            .setUpdatedAt(Iso8601.format(conversation.updateTime()))
            .setProjectId(ProtoJson.stringOrNull(conversation.projectId()))
            .setIntegrationId(ProtoJson.stringOrNull(conversation.integrationId()))
            .setProperties(ProtoJson.toValue(conversation.propertiesJson()))
            .setUserProperties(ProtoJson.toValue(conversation.userPropertiesJson()))
            .setTags(tags(conversation.tags()))
            .setVisibility(
                ProtoJson.stringOrNull(
                    conversation.visibility() == null
                        ? null
                        : conversation.visibility().name().toLowerCase(Locale.ROOT)));
    for (Message message : conversation.messages()) {
      select.addMessages(toSelect(conversation, type, message));
      if (conversation.kind() == ConversationKind.CHAT) {
        select.addMessagesOpenAiFormat(toOpenAi(message));
      }
    }
    return select.build();
  }

  /** The message of a conversation as Inkeep's Message. */
  static MessageSelect toSelect(Conversation conversation, Message message) {
    return toSelect(conversation, type(conversation.kind()), message);
  }

  private static MessageSelect toSelect(Conversation conversation, String type, Message message) {
    MessageSelect.Builder select =
        MessageSelect.newBuilder()
            .setId(message.id())
            .setType(type)
            .setConversationId(conversation.id())
            .setCreatedAt(Iso8601.format(message.createTime()))
            .setUpdatedAt(Iso8601.format(message.updateTime()))
            .setExternalId(ProtoJson.stringOrNull(message.externalId()))
            .setExternalUrl(ProtoJson.stringOrNull(message.externalUrl()))
            .setRole(message.role())
            .setContent(ProtoJson.toValue(message.contentJson()))
            .setName(ProtoJson.stringOrNull(message.name()))
            .setLinks(ProtoJson.toValue(message.linksJson()))
            .setProperties(ProtoJson.toValue(message.propertiesJson()))
            .setUserProperties(ProtoJson.toValue(message.userPropertiesJson()));
    if (conversation.kind() == ConversationKind.CHAT) {
      select.setToolCalls(ProtoJson.toValue(message.toolCallsJson()));
    }
    return select.build();
  }

  private static OpenAIMessage toOpenAi(Message message) {
    OpenAIMessage.Builder openAi =
        OpenAIMessage.newBuilder()
            .setRole(message.role())
            .setContent(ProtoJson.toValue(message.contentJson()));
    if (message.name() != null) {
      openAi.setName(message.name());
    }
    if (message.toolCallsJson() != null) {
      openAi.setToolCalls(ProtoJson.toListValue(message.toolCallsJson()));
    }
    return openAi.build();
  }

  private static Value tags(List<String> tags) {
    if (tags == null) {
      return ProtoJson.nullValue();
    }
    ListValue.Builder list = ListValue.newBuilder();
    tags.forEach(tag -> list.addValues(Value.newBuilder().setStringValue(tag)));
    return Value.newBuilder().setListValue(list).build();
  }

  private static ConversationKind kind(String type) {
    return switch (type) {
      case "openai" -> ConversationKind.CHAT;
      case "support_ticket" -> ConversationKind.SUPPORT_TICKET;
      case "support_copilot" -> ConversationKind.SUPPORT_COPILOT;
      case "" -> throw ParleyException.invalidArgument("type", "is required");
      default ->
          throw ParleyException.invalidArgument(
              "type", "must be openai, support_ticket or support_copilot");
    };
  }

  static String type(ConversationKind kind) {
    return switch (kind) {
      case CHAT -> "openai";
      case SUPPORT_TICKET -> "support_ticket";
      case SUPPORT_COPILOT -> "support_copilot";
    };
  }

  private static Visibility visibility(String visibility) {
    return switch (visibility) {
      case "private" -> Visibility.PRIVATE;
      case "public" -> Visibility.PUBLIC;
      default -> throw ParleyException.invalidArgument("visibility", "must be private or public");
    };
  }
}
