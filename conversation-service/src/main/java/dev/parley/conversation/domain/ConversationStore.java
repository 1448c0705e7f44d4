package dev.parley.conversation.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Storage of conversations; every method is scoped to one tenant. Soft-deleted conversations are
 * invisible to every method but {@link #change}, which replaces them.
 */
public interface ConversationStore {
  Optional<Conversation> find(String tenantId, String id, boolean withMessages);

  Optional<Conversation> findByExternalId(String tenantId, String externalId);

  /** The conversations with these ids, with their messages; unknown ids are left out. */
  List<Conversation> findAll(String tenantId, Collection<String> ids);

  /** A page of the conversations matching the query's filter, in its order. */
  List<Conversation> list(String tenantId, Query query, boolean withMessages);

  /** Conversations matching the filter. */
  int count(String tenantId, ConversationFilter filter);

  /** Writes the conversation and replaces its message list, in one transaction. */
  Conversation save(Conversation conversation);

  /**
   * Reads the conversation (with its messages; null when it does not exist) and writes what the
   * change makes of it, in one transaction that holds the conversation's row lock, so that
   * concurrent changes of one conversation apply one after the other.
   */
  Conversation change(String tenantId, String id, UnaryOperator<Conversation> change);

  /**
   * Sets the title (when not null) and the set fields of the handling on every matching
   * conversation, in one statement; the number changed.
   */
  int update(
      String tenantId,
      ConversationFilter filter,
      String title,
      HandlingChange handling,
      Instant now);

  /** Deletes the matching conversations with their messages and feedback; their ids. */
  List<String> delete(String tenantId, ConversationFilter filter);

  /** True when the tenant's conversation with this id was soft-deleted (and not written since). */
  boolean softDeleted(String tenantId, String id);

  /** Marks the conversation deleted (PostHog's soft delete); false when there is none. */
  boolean softDelete(String tenantId, String id, Instant now);

  /** The end users with these ids; unknown ones are left out. */
  List<EndUser> endUsers(String tenantId, Collection<String> ids);

  /** Full-text search over titles and message bodies, best first. */
  List<SearchHit> search(String tenantId, String query, int limit);

  /**
   * Where a page starts (an offset, or the position after a given conversation), how long it is,
   * what it holds and in which order; when messages are loaded, only the latest {@code
   * latestMessages} of each conversation (all when 0).
   */
  record Query(
      ConversationFilter filter,
      SortOrder order,
      int offset,
      int limit,
      Cursor after,
      int latestMessages) {
    public Query {
      filter = filter == null ? ConversationFilter.ALL : filter;
      order = order == null ? SortOrder.CREATED_DESC : order;
    }

    public Query(ConversationFilter filter, SortOrder order, int offset, int limit, Cursor after) {
      this(filter, order, offset, limit, after, 0);
    }

    public static Query offset(int offset, int limit) {
      return new Query(ConversationFilter.ALL, SortOrder.CREATED_DESC, offset, limit, null);
    }
  }

  /** The sort key of the last conversation of a page: its time in the page's order, and its id. */
  record Cursor(Instant time, String id) {
    /** The cursor as a page token's position: epoch microseconds, then the id. */
    public String[] position() {
      long micros = time.getEpochSecond() * 1_000_000 + time.getNano() / 1000;
      return new String[] {Long.toString(micros), id};
    }

    /**
     * The cursor of a page token's position.
     *
     * @throws NumberFormatException when the position holds no time
     */
    public static Cursor of(List<String> position) {
      long micros = Long.parseLong(position.get(0));
      return new Cursor(
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000),
          position.get(1));
    }
  }

  /**
   * A conversation found by a search (without its messages), with highlighted fragments of its
   * title (null when the title did not match) and of its matching messages.
   */
  record SearchHit(
      Conversation conversation, double rank, String titleHighlight, List<String> bodyHighlights) {}
}
