package dev.parley.conversation.compat;

import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.platform.error.ParleyException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Opaque page tokens: the sort key (create time, id) of the last item of a page, so that pages stay
 * stable while conversations are added.
 */
public final class PageTokens {
  private PageTokens() {}

  public static String encode(Cursor cursor) {
    long micros =
        cursor.createTime().getEpochSecond() * 1_000_000 + cursor.createTime().getNano() / 1000;
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((micros + ":" + cursor.id()).getBytes(StandardCharsets.UTF_8));
  }

  /** The cursor of a token; INVALID_ARGUMENT on the given field for anything else. */
  public static Cursor decode(String field, String token) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      int colon = text.indexOf(':');
      long micros = Long.parseLong(text.substring(0, colon));
      return new Cursor(
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000),
          text.substring(colon + 1));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw ParleyException.invalidArgument(field, "is not a token from a previous page");
    }
  }
}
