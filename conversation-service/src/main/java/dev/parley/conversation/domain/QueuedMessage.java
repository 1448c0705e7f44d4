package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A user message waiting for its conversation's run to end; when it runs, the user message it
 * becomes has its id. {@code contextJson} is what the client sent along, as a JSON object.
 */
public record QueuedMessage(
    String id, String content, String contextJson, Instant createTime, Instant expireTime) {
  public QueuedMessage {
    requireNonNull(id, "id is null");
    requireNonNull(content, "content is null");
    requireNonNull(contextJson, "contextJson is null");
    requireNonNull(createTime, "createTime is null");
    requireNonNull(expireTime, "expireTime is null");
  }
}
