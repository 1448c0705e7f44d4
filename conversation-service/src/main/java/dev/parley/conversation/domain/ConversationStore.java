package dev.parley.conversation.domain;

import java.util.List;
import java.util.Optional;

/** Storage of conversations; every method is scoped to one tenant. */
public interface ConversationStore {
  Optional<Conversation> find(String tenantId, String id, boolean withMessages);

  Optional<Conversation> findByExternalId(String tenantId, String externalId);

  /** The conversations with these ids, with their messages; unknown ids are left out. */
  List<Conversation> findAll(String tenantId, java.util.Collection<String> ids);

  /** A page in newest-first order: by offset, or after a cursor from a previous page. */
  List<Conversation> list(String tenantId, PageRequest page, boolean withMessages);

  /** Conversations of the tenant, of one origin when origin is not null. */
  int count(String tenantId, String origin);

  /** Writes the conversation and replaces its message list, in one transaction. */
  Conversation save(Conversation conversation);

  /**
   * Reads the conversation (with its messages; null when it does not exist) and writes what the
   * change makes of it, in one transaction that holds the conversation's row lock, so that
   * concurrent changes of one conversation apply one after the other.
   */
  Conversation change(
      String tenantId, String id, java.util.function.UnaryOperator<Conversation> change);

  boolean delete(String tenantId, String id);

  /**
   * Where a page starts (an offset, or the position after a given conversation), how long it is,
   * and an optional origin filter.
   */
  record PageRequest(int offset, int limit, Cursor after, String origin) {
    public PageRequest(int offset, int limit, Cursor after) {
      this(offset, limit, after, null);
    }
  }

  /** The sort key of the last conversation of a page. */
  record Cursor(java.time.Instant createTime, String id) {}
}
