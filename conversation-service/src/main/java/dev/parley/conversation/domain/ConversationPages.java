package dev.parley.conversation.domain;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.paging.PageTokens;
import java.time.DateTimeException;
import java.util.List;

/**
 * Cursor pages of conversations, for the native API and every dialect that pages by token: the
 * token ({@link PageTokens}, Parley's one form) binds the list's order and holds the sort key
 * (time, id) of the last item of a page, so that pages stay stable while conversations are added. A
 * token only continues a list in the order it came from.
 */
public final class ConversationPages {
  private ConversationPages() {}

  /** A page of a cursor-paged list, with the token of the next page (null on the last one). */
  public record TokenPage(List<Conversation> conversations, int total, String nextToken) {}

  /**
   * The page of the matching conversations that follows the token (the first page when it is
   * empty); {@code field} names the token in errors.
   */
  public static TokenPage page(
      Conversations conversations,
      String tenantId,
      ConversationFilter filter,
      SortOrder order,
      String field,
      String token,
      int limit,
      boolean withMessages) {
    return page(conversations, tenantId, filter, order, field, token, limit, withMessages, 0);
  }

  /** {@link #page}, loading only each conversation's latest messages (all when 0). */
  public static TokenPage page(
      Conversations conversations,
      String tenantId,
      ConversationFilter filter,
      SortOrder order,
      String field,
      String token,
      int limit,
      boolean withMessages,
      int latestMessages) {
    Cursor after = token == null || token.isEmpty() ? null : decode(field, token, order);
    Conversations.CursorPage page =
        conversations.pageAfter(
            tenantId, filter, order, after, limit, withMessages, latestMessages);
    return new TokenPage(
        page.conversations(),
        page.total(),
        page.next() == null ? null : encode(order, page.next()));
  }

  public static String encode(SortOrder order, Cursor cursor) {
    return PageTokens.encode(list(order), cursor.position());
  }

  /** The cursor of a token; INVALID_ARGUMENT on the given field for anything else. */
  public static Cursor decode(String field, String token, SortOrder order) {
    List<String> position;
    try {
      position = PageTokens.decode(token, list(order), 2);
    } catch (PageTokens.InvalidTokenException e) {
      throw switch (e.refusal()) {
        case MALFORMED ->
            ParleyException.invalidArgument(field, "is not a token from a previous page");
        case OTHER_LIST ->
            ParleyException.invalidArgument(
                field, "comes from a list in another order; send the same order with it");
      };
    }
    try {
      return Cursor.of(position);
    } catch (NumberFormatException | DateTimeException e) {
      throw ParleyException.invalidArgument(field, "is not a token from a previous page");
    }
  }

  /** The list a token continues: conversations in this order. */
  private static String list(SortOrder order) {
    return "conversations:" + order.name();
  }
}
