package dev.parley.conversation.domain;

import java.time.Instant;
import java.util.List;

/**
 * What a caller sends to create or replace a conversation. Null fields are absent: the id and
 * message ids are generated, times default to now (the stored create time is kept on replace). A
 * null {@code handling} keeps the stored one; otherwise it is applied to it, field by field. On
 * replace, a field in {@code kept} keeps its stored value (a caller that did not mention it), where
 * any other null clears it.
 */
public record ConversationDraft(
    String id,
    String externalId,
    String externalUrl,
    ConversationKind kind,
    String title,
    String origin,
    Visibility visibility,
    String supportTicketConversationId,
    String projectId,
    String integrationId,
    String propertiesJson,
    String userPropertiesJson,
    List<String> tags,
    HandlingChange handling,
    Instant createTime,
    Instant updateTime,
    List<MessageDraft> messages,
    java.util.Set<Kept> kept) {

  /** The fields a replace may keep from the stored conversation. */
  public enum Kept {
    EXTERNAL_ID,
    EXTERNAL_URL,
    TITLE,
    VISIBILITY,
    SUPPORT_TICKET_CONVERSATION_ID,
    PROJECT_ID,
    INTEGRATION_ID,
    PROPERTIES,
    USER_PROPERTIES,
    TAGS
  }

  public ConversationDraft {
    kept = kept == null ? java.util.Set.of() : java.util.Set.copyOf(kept);
  }

  /** This field's value on replace: the stored one when it is kept, else the sent one. */
  public <T> T valueOr(
      Kept field,
      T sent,
      Conversation existing,
      java.util.function.Function<Conversation, T> stored) {
    return existing != null && kept.contains(field) ? stored.apply(existing) : sent;
  }

  /** A message to store; null fields are absent. */
  public record MessageDraft(
      String id,
      String parentId,
      String role,
      String contentJson,
      String name,
      String externalId,
      String externalUrl,
      String linksJson,
      String toolCallsJson,
      String propertiesJson,
      String userPropertiesJson,
      Instant createTime,
      Instant updateTime) {

    /** A new message of this role and content, everything else absent. */
    public static MessageDraft of(String role, String contentJson) {
      return builder().role(role).contentJson(contentJson).build();
    }

    /** Builds a MessageDraft; what is not set is absent (null). */
    public static Builder builder() {
      return new Builder();
    }

    /** A builder that starts from this draft's values. */
    public Builder toBuilder() {
      return builder()
          .id(id)
          .parentId(parentId)
          .role(role)
          .contentJson(contentJson)
          .name(name)
          .externalId(externalId)
          .externalUrl(externalUrl)
          .linksJson(linksJson)
          .toolCallsJson(toolCallsJson)
          .propertiesJson(propertiesJson)
          .userPropertiesJson(userPropertiesJson)
          .createTime(createTime)
          .updateTime(updateTime);
    }

    /** Builds a MessageDraft field by field. */
    public static final class Builder {
      private String id;
      private String parentId;
      private String role;
      private String contentJson;
      private String name;
      private String externalId;
      private String externalUrl;
      private String linksJson;
      private String toolCallsJson;
      private String propertiesJson;
      private String userPropertiesJson;
      private Instant createTime;
      private Instant updateTime;

      private Builder() {}

      public Builder id(String id) {
        this.id = id;
        return this;
      }

      public Builder parentId(String parentId) {
        this.parentId = parentId;
        return this;
      }

      public Builder role(String role) {
        this.role = role;
        return this;
      }

      public Builder contentJson(String contentJson) {
        this.contentJson = contentJson;
        return this;
      }

      public Builder name(String name) {
        this.name = name;
        return this;
      }

      public Builder externalId(String externalId) {
        this.externalId = externalId;
        return this;
      }

      public Builder externalUrl(String externalUrl) {
        this.externalUrl = externalUrl;
        return this;
      }

      public Builder linksJson(String linksJson) {
        this.linksJson = linksJson;
        return this;
      }

      public Builder toolCallsJson(String toolCallsJson) {
        this.toolCallsJson = toolCallsJson;
        return this;
      }

      public Builder propertiesJson(String propertiesJson) {
        this.propertiesJson = propertiesJson;
        return this;
      }

      public Builder userPropertiesJson(String userPropertiesJson) {
        this.userPropertiesJson = userPropertiesJson;
        return this;
      }

      public Builder createTime(Instant createTime) {
        this.createTime = createTime;
        return this;
      }

      public Builder updateTime(Instant updateTime) {
        this.updateTime = updateTime;
        return this;
      }

      public MessageDraft build() {
        return new MessageDraft(
            id,
            parentId,
            role,
            contentJson,
            name,
            externalId,
            externalUrl,
            linksJson,
            toolCallsJson,
            propertiesJson,
            userPropertiesJson,
            createTime,
            updateTime);
      }
    }
  }

  /** Builds a ConversationDraft; what is not set is absent (null). */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a ConversationDraft field by field. */
  public static final class Builder {
    private String id;
    private String externalId;
    private String externalUrl;
    private ConversationKind kind;
    private String title;
    private String origin;
    private Visibility visibility;
    private String supportTicketConversationId;
    private String projectId;
    private String integrationId;
    private String propertiesJson;
    private String userPropertiesJson;
    private List<String> tags;
    private HandlingChange handling;
    private Instant createTime;
    private Instant updateTime;
    private List<MessageDraft> messages = List.of();
    private final java.util.EnumSet<Kept> kept = java.util.EnumSet.noneOf(Kept.class);

    private Builder() {}

    /** On replace, this field keeps its stored value. */
    public Builder keep(Kept field) {
      kept.add(field);
      return this;
    }

    public Builder id(String id) {
      this.id = id;
      return this;
    }

    public Builder externalId(String externalId) {
      this.externalId = externalId;
      return this;
    }

    public Builder externalUrl(String externalUrl) {
      this.externalUrl = externalUrl;
      return this;
    }

    public Builder kind(ConversationKind kind) {
      this.kind = kind;
      return this;
    }

    public Builder title(String title) {
      this.title = title;
      return this;
    }

    public Builder origin(String origin) {
      this.origin = origin;
      return this;
    }

    public Builder visibility(Visibility visibility) {
      this.visibility = visibility;
      return this;
    }

    public Builder supportTicketConversationId(String supportTicketConversationId) {
      this.supportTicketConversationId = supportTicketConversationId;
      return this;
    }

    public Builder projectId(String projectId) {
      this.projectId = projectId;
      return this;
    }

    public Builder integrationId(String integrationId) {
      this.integrationId = integrationId;
      return this;
    }

    public Builder propertiesJson(String propertiesJson) {
      this.propertiesJson = propertiesJson;
      return this;
    }

    public Builder userPropertiesJson(String userPropertiesJson) {
      this.userPropertiesJson = userPropertiesJson;
      return this;
    }

    public Builder tags(List<String> tags) {
      this.tags = tags;
      return this;
    }

    public Builder handling(HandlingChange handling) {
      this.handling = handling;
      return this;
    }

    public Builder createTime(Instant createTime) {
      this.createTime = createTime;
      return this;
    }

    public Builder updateTime(Instant updateTime) {
      this.updateTime = updateTime;
      return this;
    }

    public Builder messages(List<MessageDraft> messages) {
      this.messages = messages;
      return this;
    }

    public ConversationDraft build() {
      return new ConversationDraft(
          id,
          externalId,
          externalUrl,
          kind,
          title,
          origin,
          visibility,
          supportTicketConversationId,
          projectId,
          integrationId,
          propertiesJson,
          userPropertiesJson,
          tags,
          handling,
          createTime,
          updateTime,
          messages,
          kept);
    }
  }
}
