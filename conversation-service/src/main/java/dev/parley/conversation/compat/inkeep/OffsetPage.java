package dev.parley.conversation.compat.inkeep;

import dev.parley.platform.error.ParleyException;

/** Inkeep's limit/offset paging: limit 0..max with a default, offset 0 or more. */
record OffsetPage(int offset, int limit) {
  static OffsetPage of(Integer limit, Integer offset, int defaultLimit, int maxLimit) {
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
}
