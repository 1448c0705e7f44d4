package dev.parley.platform.paging;

import dev.parley.platform.error.ParleyException;

/**
 * Limit/offset paging, the other form dialects use (Inkeep, PostHog): where a page starts and how
 * many items it holds at most. A page may hold fewer than its limit when it ends at its byte budget
 * ({@link PageBudget}), so the next page starts after what the page returned.
 */
public record OffsetPage(int offset, int limit) {
  /** Checked strictly: a limit outside 0..max or a negative offset is INVALID_ARGUMENT. */
  public static OffsetPage strict(Integer limit, Integer offset, int defaultLimit, int maxLimit) {
    int checkedLimit = limit == null ? defaultLimit : limit;
    int checkedOffset = offset == null ? 0 : offset;
    if (checkedLimit < 0 || checkedLimit > maxLimit) {
      throw ParleyException.invalidArgument("limit", "must be within 0.." + maxLimit);
    }
    if (checkedOffset < 0) {
      throw ParleyException.invalidArgument("offset", "must be 0 or more");
    }
    return new OffsetPage(checkedOffset, checkedLimit);
  }

  /**
   * Read leniently, as Django REST framework's LimitOffsetPagination does: what is not a usable
   * number falls back to the default (a limit of 1 or more, an offset of 0 or more), and a limit
   * above the maximum is clamped.
   */
  public static OffsetPage lenient(String limit, String offset, int defaultLimit, int maxLimit) {
    return new OffsetPage(number(offset, 0, 0), Math.min(number(limit, defaultLimit, 1), maxLimit));
  }

  /** Where the next page starts after this one returned {@code returned} items; -1 at the end. */
  public int next(int returned, int total) {
    return offset + returned < total ? offset + returned : -1;
  }

  /** Where the previous page starts; -1 on the first page. */
  public int previous() {
    return offset > 0 ? Math.max(0, offset - limit) : -1;
  }

  private static int number(String text, int fallback, int minimum) {
    try {
      int value = Integer.parseInt(text.strip());
      return value < minimum ? fallback : value;
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
