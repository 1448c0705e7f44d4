package dev.parley.analytics.domain;

import dev.parley.platform.error.ParleyException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque page tokens for analytics lists: the offset of the next page and the query it continues,
 * so that a token is refused by any other query. Analytics lists change only as events are applied,
 * and are short (clusters) or read in one pass (issues).
 */
public final class OffsetTokens {
  private OffsetTokens() {}

  public static String encode(String query, int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            ("o1|" + offset + "|" + Integer.toHexString(query.hashCode()))
                .getBytes(StandardCharsets.UTF_8));
  }

  /** The offset a token resumes at (0 for an empty token); {@code field} names it in errors. */
  public static int decode(String field, String token, String query) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|");
      if (parts.length == 3
          && parts[0].equals("o1")
          && parts[2].equals(Integer.toHexString(query.hashCode()))) {
        int offset = Integer.parseInt(parts[1]);
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // Falls through to the error below.
    }
    throw ParleyException.invalidArgument(field, "is not a page token of this list");
  }
}
