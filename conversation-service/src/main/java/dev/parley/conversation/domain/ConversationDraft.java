package dev.parley.conversation.domain;

import java.time.Instant;
import java.util.List;

/**
 * What a caller sends to create or replace a conversation. Null fields are absent: the id and
 * message ids are generated, times default to now (the stored create time is kept on replace). A
 * null {@code handling} keeps the stored one; set fields of a non-null one replace stored fields.
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
    Handling handling,
    Instant createTime,
    Instant updateTime,
    List<MessageDraft> messages) {

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
      return new MessageDraft(
          null, null, role, contentJson, null, null, null, null, null, null, null, null, null);
    }
  }
}
