package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;

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

  /** The run generating from {@code startTime} on. */
  public Run started(Instant startTime) {
    return new Run(
        tenantId,
        id,
        conversationId,
        Status.RUNNING,
        provider,
        model,
        requestedModel,
        userMessageId,
        assistantMessageId,
        stopReason,
        error,
        inputTokens,
        outputTokens,
        createTime,
        startTime,
        endTime);
  }

  /** The run with the assistant message it wrote. */
  public Run withAssistantMessage(String messageId) {
    return new Run(
        tenantId,
        id,
        conversationId,
        status,
        provider,
        model,
        requestedModel,
        userMessageId,
        messageId,
        stopReason,
        error,
        inputTokens,
        outputTokens,
        createTime,
        startTime,
        endTime);
  }

  /** The run as it ended: its terminal status, why it stopped or failed, its token counts. */
  public Run ended(
      Status endStatus,
      StopReason endStopReason,
      String endError,
      Integer endInputTokens,
      Integer endOutputTokens,
      Instant endTime) {
    return new Run(
        tenantId,
        id,
        conversationId,
        endStatus,
        provider,
        model,
        requestedModel,
        userMessageId,
        assistantMessageId,
        endStopReason,
        endError,
        endInputTokens,
        endOutputTokens,
        createTime,
        startTime,
        endTime);
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
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status ofStored(String stored) {
      return valueOf(stored.toUpperCase(Locale.ROOT));
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
      return name().toLowerCase(Locale.ROOT);
    }

    public static StopReason ofStored(String stored) {
      return stored == null ? null : valueOf(stored.toUpperCase(Locale.ROOT));
    }
  }
}
