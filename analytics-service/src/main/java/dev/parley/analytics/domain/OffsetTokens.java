package dev.parley.analytics.domain;

import dev.parley.platform.error.ParleyException;
import dev.parley.platform.paging.PageTokens;

/**
 * Page tokens of analytics lists ({@link PageTokens}, Parley's one form): the offset of the next
 * page, bound to the query it continues, so that a token is refused by any other query. Analytics
 * lists change only as events are applied, and are short (clusters) or read in one pass (issues).
 */
public final class OffsetTokens {
  private OffsetTokens() {}

  public static String encode(String query, int offset) {
    return PageTokens.encode(query, Integer.toString(offset));
  }

  /** The offset a token resumes at (0 for an empty token); {@code field} names it in errors. */
  public static int decode(String field, String token, String query) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(PageTokens.decode(token, query, 1).getFirst());
      if (offset >= 0) {
        return offset;
      }
    } catch (PageTokens.InvalidTokenException | NumberFormatException e) {
      // Falls through to the error below: a token of another list is no token of this one.
    }
    throw ParleyException.invalidArgument(field, "is not a page token of this list");
  }
}
