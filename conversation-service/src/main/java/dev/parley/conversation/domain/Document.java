package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A document of a tenant's knowledge: its text as sent, of a content type (text/plain,
 * text/markdown, text/html), or the text of an uploaded PDF (application/pdf, with its page count;
 * the file is kept apart), with an optional link to where it lives. {@code content} is null when
 * only the summary was read (lists); {@code pageCount} is null for text.
 */
public record Document(
    String tenantId,
    String id,
    String title,
    String content,
    String contentType,
    String sourceLink,
    long sizeBytes,
    Integer pageCount,
    Instant createTime,
    Instant updateTime) {
  public Document {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(id, "id is null");
    requireNonNull(title, "title is null");
    requireNonNull(contentType, "contentType is null");
    requireNonNull(createTime, "createTime is null");
    requireNonNull(updateTime, "updateTime is null");
  }
}
