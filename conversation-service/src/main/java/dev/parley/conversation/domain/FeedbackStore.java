package dev.parley.conversation.domain;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Storage of feedback and events; every method is scoped to one tenant. */
public interface FeedbackStore {
  /** The conversation that holds the message, if the tenant has such a message. */
  Optional<String> conversationOfMessage(String tenantId, String messageId);

  Optional<Feedback> find(String tenantId, String id);

  /** Whether the conversation holds the message. */
  boolean hasMessage(String tenantId, String conversationId, String messageId);

  /** The feedback on the messages of these conversations, oldest first. */
  List<Feedback> listForConversations(String tenantId, Collection<String> conversationIds);

  /** A page of one rating, newest first. */
  List<Feedback> list(String tenantId, Feedback.Rating rating, int offset, int limit);

  int count(String tenantId, Feedback.Rating rating);

  /** Creates the feedback or replaces the one with the same id. */
  Feedback save(Feedback feedback);

  boolean delete(String tenantId, String id);

  /** Creates the event or replaces the one with the same id. */
  Event save(Event event);
}
