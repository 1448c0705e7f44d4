package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/** A knowledge document that a conversation's runs cited, with the passage cited last. */
public record RelatedDocument(
    String conversationId,
    String sourceId,
    String sourceName,
    String sourceLink,
    String text,
    String runId,
    Instant updateTime) {
  public RelatedDocument {
    requireNonNull(conversationId, "conversationId is null");
    requireNonNull(sourceId, "sourceId is null");
    requireNonNull(text, "text is null");
    requireNonNull(runId, "runId is null");
    requireNonNull(updateTime, "updateTime is null");
  }
}
