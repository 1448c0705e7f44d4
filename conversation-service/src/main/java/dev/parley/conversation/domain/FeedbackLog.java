package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.hash.Hashing;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.paging.PageBudget;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    Conversations.checkId("messageId", messageId);
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
            Feedback.Author.USER,
            created,
            updateTime != null ? updateTime : now));
  }

  /**
   * Sets (or with a null rating, clears) the one feedback an author keeps on a message of a
   * conversation: Bedrock's thumbs and Alli's ratings. NOT_FOUND when the conversation does not
   * hold the message. The feedback id is derived from the author and the message, so a second
   * rating replaces the first.
   */
  public Feedback rate(
      String tenantId,
      String conversationId,
      String messageId,
      Feedback.Author author,
      Feedback.Rating rating,
      String reasonsJson,
      String details,
      String userPropertiesJson) {
    if (!store.hasMessage(tenantId, conversationId, messageId)) {
      throw ParleyException.notFound(
          "Message " + messageId + " not found in conversation " + conversationId);
    }
    String id =
        "fb_"
            + author.name().toLowerCase(Locale.ROOT)
            + "_"
            + Hashing.sha256()
                .hashString(conversationId + "\n" + messageId, StandardCharsets.UTF_8)
                .toString()
                .substring(0, 40);
    if (rating == null) {
      store.delete(tenantId, id);
      return null;
    }
    Instant now = now();
    Instant created = store.find(tenantId, id).map(Feedback::createTime).orElse(now);
    return store.save(
        new Feedback(
            tenantId,
            id,
            conversationId,
            messageId,
            rating,
            reasonsJson,
            details,
            null,
            null,
            userPropertiesJson,
            author,
            created,
            now));
  }

  /** The feedback on a conversation's messages, oldest first. */
  public List<Feedback> ofConversation(String tenantId, String conversationId) {
    return store.listForConversations(tenantId, List.of(conversationId));
  }

  /** The feedback on the messages of these conversations by conversation id, oldest first. */
  public Map<String, List<Feedback>> ofConversations(
      String tenantId, Collection<String> conversationIds) {
    Map<String, List<Feedback>> byConversation = new HashMap<>();
    for (Feedback feedback : store.listForConversations(tenantId, conversationIds)) {
      byConversation
          .computeIfAbsent(feedback.conversationId(), ignored -> new ArrayList<>())
          .add(feedback);
    }
    return byConversation;
  }

  public Feedback get(String tenantId, String id) {
    return store
        .find(tenantId, id)
        .orElseThrow(() -> ParleyException.notFound("Feedback " + id + " not found"));
  }

  public Page list(String tenantId, Feedback.Rating rating, int offset, int limit) {
    return new Page(
        PageBudget.fit(store.list(tenantId, rating, offset, limit)), store.count(tenantId, rating));
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
