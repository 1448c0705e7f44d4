package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** The rules of feedback and events, shared by every dialect that rates messages. */
public final class FeedbackLog {
  private final FeedbackStore store;
  private final Clock clock;

  @Inject
  public FeedbackLog(FeedbackStore store, Clock clock) {
    this.store = requireNonNull(store, "store is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A page of one rating with the count across all pages. */
  public record Page(List<Feedback> feedback, int total) {}

  /**
   * Records feedback on a message of the tenant (NOT_FOUND for any other message), replacing the
   * feedback with the same id. The stored create time is kept when none is sent.
   */
  public Feedback record(
      String tenantId,
      String id,
      String messageId,
      Feedback.Rating rating,
      String reasonsJson,
      String details,
      String sourcesJson,
      String propertiesJson,
      String userPropertiesJson,
      Instant createTime,
      Instant updateTime) {
    String feedbackId = id == null ? "fb_" + UUID.randomUUID().toString().replace("-", "") : id;
    Conversations.checkId("id", feedbackId);
    String conversationId =
        store
            .conversationOfMessage(tenantId, messageId)
            .orElseThrow(() -> ParleyException.notFound("Message " + messageId + " not found"));
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    Instant created =
        createTime != null
            ? createTime
            : store.find(tenantId, feedbackId).map(Feedback::createTime).orElse(now);
    return store.save(
        new Feedback(
            tenantId,
            feedbackId,
            conversationId,
            messageId,
            rating,
            reasonsJson,
            details,
            sourcesJson,
            propertiesJson,
            userPropertiesJson,
            created,
            updateTime != null ? updateTime : now));
  }

  public Feedback get(String tenantId, String id) {
    return store
        .find(tenantId, id)
        .orElseThrow(() -> ParleyException.notFound("Feedback " + id + " not found"));
  }

  public Page list(String tenantId, Feedback.Rating rating, int offset, int limit) {
    return new Page(store.list(tenantId, rating, offset, limit), store.count(tenantId, rating));
  }

  public void delete(String tenantId, String id) {
    if (!store.delete(tenantId, id)) {
      throw ParleyException.notFound("Feedback " + id + " not found");
    }
  }

  /** Records an event; its id is generated when absent and replaces an event with the same id. */
  public Event recordEvent(Event event) {
    Conversations.checkId("id", event.id());
    return store.save(event);
  }

  /** Now, as events and feedback record it. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
