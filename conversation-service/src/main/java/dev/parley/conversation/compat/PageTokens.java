package dev.parley.conversation.compat;

import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.Conversations;
import dev.parley.conversation.domain.SortOrder;
import dev.parley.platform.error.ParleyException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Opaque page tokens: the order of the list and the sort key (time, id) of the last item of a page,
 * so that pages stay stable while conversations are added. A token only continues a list in the
 * order it came from.
 */
public final class PageTokens {
  private PageTokens() {}

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
    long micros = cursor.time().getEpochSecond() * 1_000_000 + cursor.time().getNano() / 1000;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            (order.ordinal() + ":" + micros + ":" + cursor.id()).getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of a token; INVALID_ARGUMENT on the given field for anything else. */
  public static Cursor decode(String field, String token, SortOrder order) {
    Cursor cursor;
    int ordinal;
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int first = text.indexOf(':');
      int second = text.indexOf(':', first + 1);
      ordinal = Integer.parseInt(text.substring(0, first));
      long micros = Long.parseLong(text.substring(first + 1, second));
      cursor =
          new Cursor(
              Instant.ofEpochSecond(
                  Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000),
              text.substring(second + 1));
    } catch (IllegalArgumentException | IndexOutOfBoundsException | DateTimeException e) {
      throw ParleyException.invalidArgument(field, "is not a token from a previous page");
    }
    if (ordinal != order.ordinal()) {
      throw ParleyException.invalidArgument(
          field, "comes from a list in another order; send the same order with it");
    }
    return cursor;
  }
}
