package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An assistant run as stored. Nullable fields are null until known: the assistant message until it
 * is written, the stop reason and end time until the run ends, the token counts unless the provider
 * reports them.
 */
public record Run(
    String tenantId,
    String id,
    String conversationId,
    Status status,
    String provider,
    String model,
    String requestedModel,
    String userMessageId,
    String assistantMessageId,
    StopReason stopReason,
    String error,
    Integer inputTokens,
    Integer outputTokens,
    Instant createTime,
    Instant startTime,
    Instant endTime) {
  public Run {
    requireNonNull(tenantId, "tenantId is null");
    requireNonNull(id, "id is null");
    requireNonNull(conversationId, "conversationId is null");
    requireNonNull(status, "status is null");
    requireNonNull(provider, "provider is null");
    requireNonNull(model, "model is null");
    requireNonNull(requestedModel, "requestedModel is null");
    requireNonNull(userMessageId, "userMessageId is null");
    requireNonNull(createTime, "createTime is null");
  }

  /** Where a run stands; the stored names are the lower-case constants. */
  public enum Status {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    public boolean active() {
      return this == QUEUED || this == RUNNING;
    }

    public String stored() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Status ofStored(String stored) {
      return valueOf(stored.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * Why generation stopped: the answer is complete, it hit the token limit, or it was cancelled.
   */
  public enum StopReason {
    STOP,
    LENGTH,
    CANCELLED;

    public String stored() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static StopReason ofStored(String stored) {
      return stored == null ? null : valueOf(stored.toUpperCase(java.util.Locale.ROOT));
    }
  }
}
