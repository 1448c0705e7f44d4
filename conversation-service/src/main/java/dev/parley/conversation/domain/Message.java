package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One message. Free-form parts (content, links, tool calls, properties) are kept as the JSON text
 * the caller sent; null means absent.
 */
public record Message(
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
  public Message {
    requireNonNull(id, "id is null");
    requireNonNull(role, "role is null");
    requireNonNull(createTime, "createTime is null");
    requireNonNull(updateTime, "updateTime is null");
  }

  public Message withParentId(String newParentId) {
    return new Message(
        id,
        newParentId,
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
