package dev.parley.conversation.compat.gitbook;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.gitbook.v1.ConversationMetadata;
import dev.parley.compat.gitbook.v1.ConversationPart;
import dev.parley.compat.gitbook.v1.ConversationUrls;
import dev.parley.compat.gitbook.v1.GetConversationResponse;
import dev.parley.conversation.domain.ContentText;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationDraft;
import dev.parley.conversation.domain.ConversationDraft.MessageDraft;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.Message;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.time.Iso8601;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GitBook's ConversationInput to the domain, and conversations back to GitBook's Conversation,
 * ConversationPart and ConversationMetadata. Conversations of other front doors read as GitBook
 * conversations too: their messages become parts (system and tool messages are left out, roles
 * other than user and assistant read as team-member).
 */
final class GitBookMapping {
  private static final int MAX_ID_LENGTH = 255;
  private static final int MAX_SUBJECT_LENGTH = 512;
  private static final Set<String> ROLES = Set.of("user", "assistant", "team-member");
  private static final Set<String> HIDDEN_ROLES = Set.of("system", "tool", "developer");

  private GitBookMapping() {}

  /** A draft from one ConversationInput; field paths in errors start with {@code prefix}. */
  static ConversationDraft toDraft(String prefix, Value input, String origin) {
    if (!input.hasStructValue()) {
      throw ParleyException.invalidArgument(
          prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1),
          "must be a ConversationInput object");
    }
    Map<String, Value> fields = input.getStructValue().getFieldsMap();
    String id = requiredString(prefix + "id", fields.get("id"));
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) {
      throw ParleyException.invalidArgument(
          prefix + "id", "must be 1.." + MAX_ID_LENGTH + " characters");
    }
    String subject = optionalString(prefix + "subject", fields.get("subject"));
    if (subject != null && subject.length() > MAX_SUBJECT_LENGTH) {
      throw ParleyException.invalidArgument(
          prefix + "subject", "must be at most " + MAX_SUBJECT_LENGTH + " characters");
    }
    String url = null;
    String attributesJson = null;
    String createdAt = null;
    Value metadata = fields.get("metadata");
    if (metadata != null && !metadata.hasNullValue()) {
      if (!metadata.hasStructValue()) {
        throw ParleyException.invalidArgument(prefix + "metadata", "must be an object");
      }
      Map<String, Value> meta = metadata.getStructValue().getFieldsMap();
      url = optionalString(prefix + "metadata.url", meta.get("url"));
      createdAt = optionalString(prefix + "metadata.createdAt", meta.get("createdAt"));
      Value attributes = meta.get("attributes");
      if (attributes != null && !attributes.hasNullValue()) {
        if (!attributes.hasStructValue()) {
          throw ParleyException.invalidArgument(
              prefix + "metadata.attributes", "must be an object");
        }
        for (Map.Entry<String, Value> attribute :
            attributes.getStructValue().getFieldsMap().entrySet()) {
          if (!attribute.getValue().hasStringValue()) {
            throw ParleyException.invalidArgument(
                prefix + "metadata.attributes." + attribute.getKey(), "must be a string");
          }
        }
        attributesJson = ProtoJson.toJson(attributes.getStructValue());
      }
    }
    Value parts = fields.get("parts");
    if (parts == null || !parts.hasListValue()) {
      throw ParleyException.invalidArgument(prefix + "parts", "is required and must be an array");
    }
    Instant created = Iso8601.parse(prefix + "metadata.createdAt", createdAt);
    List<MessageDraft> messages = new ArrayList<>();
    boolean teamMember = false;
    List<Value> items = parts.getListValue().getValuesList();
    for (int index = 0; index < items.size(); index++) {
      String field = prefix + "parts[" + index + "]";
      Value part = items.get(index);
      if (!part.hasStructValue()) {
        throw ParleyException.invalidArgument(field, "must be an object");
      }
      Map<String, Value> partFields = part.getStructValue().getFieldsMap();
      if (!"message".equals(optionalString(field + ".type", partFields.get("type")))) {
        throw ParleyException.invalidArgument(field + ".type", "must be 'message'");
      }
      String role = requiredString(field + ".role", partFields.get("role"));
      if (!ROLES.contains(role)) {
        throw ParleyException.invalidArgument(
            field + ".role", "must be user, assistant or team-member");
      }
      teamMember |= role.equals("team-member");
      String body = requiredString(field + ".body", partFields.get("body"));
      // Parts carry no time of their own: they are as old as the conversation, when known.
      messages.add(
          MessageDraft.builder()
              .role(role)
              .contentJson(ProtoJson.toJson(Value.newBuilder().setStringValue(body).build()))
              .createTime(created)
              .updateTime(created)
              .build());
    }
    return ConversationDraft.builder()
        .id(conversationId(origin, id))
        .externalUrl(url)
        .kind(teamMember ? ConversationKind.SUPPORT_TICKET : ConversationKind.CHAT)
        .title(subject)
        .origin(origin)
        .propertiesJson(attributesJson)
        .createTime(created)
        .messages(messages)
        .build();
  }

  /**
   * The conversation id for a source's conversation id: GitBook ids are unique per source, Parley
   * ids per tenant, so the id is derived from both. Re-ingesting replaces the same conversation.
   */
  static String conversationId(String origin, String sourceId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((origin + "\u0000" + sourceId).getBytes(StandardCharsets.UTF_8));
      return "gb_" + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static dev.parley.compat.gitbook.v1.Conversation toConversation(
      String organizationId, Conversation conversation) {
    ConversationUrls.Builder urls =
        ConversationUrls.newBuilder()
            .setLocation(
                CallContext.baseUrl()
                    + "/gitbook/v1/orgs/"
                    + organizationId
                    + "/conversations/"
                    + conversation.id());
    if (conversation.externalUrl() != null) {
      urls.setSource(conversation.externalUrl());
    }
    dev.parley.compat.gitbook.v1.Conversation.Builder result =
        dev.parley.compat.gitbook.v1.Conversation.newBuilder()
            .setObject("conversation")
            .setId(conversation.id())
            .setCreatedAt(Iso8601.format(conversation.createTime()))
            .setSource(
                conversation.origin() != null
                    ? conversation.origin()
                    : "integration:" + conversation.source() + ":unknown")
            .setUrls(urls);
    if (conversation.title() != null) {
      result.setSubject(conversation.title());
    }
    return result.build();
  }

  static GetConversationResponse toResponse(String organizationId, Conversation conversation) {
    GetConversationResponse.Builder response =
        GetConversationResponse.newBuilder()
            .setConversation(toConversation(organizationId, conversation));
    for (Message message : conversation.messages()) {
      if (HIDDEN_ROLES.contains(message.role())) {
        continue;
      }
      response.addParts(
          ConversationPart.newBuilder()
              .setType("message")
              .setRole(role(message.role()))
              .setBody(ContentText.plain(message.contentJson())));
    }
    ConversationMetadata.Builder metadata =
        ConversationMetadata.newBuilder().setCreatedAt(Iso8601.format(conversation.createTime()));
    if (conversation.externalUrl() != null) {
      metadata.setUrl(conversation.externalUrl());
    }
    Struct properties = ProtoJson.toStruct(conversation.propertiesJson());
    if (properties != null) {
      properties
          .getFieldsMap()
          .forEach(
              (key, value) -> {
                if (value.hasStringValue()) {
                  metadata.putAttributes(key, value.getStringValue());
                }
              });
    }
    return response.setMetadata(metadata).build();
  }

  private static String role(String role) {
    return switch (role) {
      case "user", "customer", "end-user", "end_user" -> "user";
      case "assistant", "bot", "ai" -> "assistant";
      default -> "team-member";
    };
  }

  private static String requiredString(String field, Value value) {
    if (value == null || value.hasNullValue()) {
      throw ParleyException.invalidArgument(field, "is required");
    }
    if (!value.hasStringValue()) {
      throw ParleyException.invalidArgument(field, "must be a string");
    }
    return value.getStringValue();
  }

  private static String optionalString(String field, Value value) {
    if (value == null || value.hasNullValue()) {
      return null;
    }
    if (!value.hasStringValue()) {
      throw ParleyException.invalidArgument(field, "must be a string");
    }
    return value.getStringValue();
  }
}
