package dev.parley.platform.paging;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The one form of Parley's opaque page tokens, for every cursor-paged list of every service and
 * dialect: a version, a digest of the list the token continues (its order, its query) and the
 * position after which the next page starts (the sort key of the last item, or an offset). A token
 * is refused by any other list, so a caller cannot continue a list in another order or with another
 * query by mistake.
 */
public final class PageTokens {
  private static final String VERSION = "t1";

  private PageTokens() {}

  /** Why a token was refused; the caller words the error for its list. */
  public enum Refusal {
    /** Not a token at all (or of an earlier form). */
    MALFORMED,
    /** A token, of another list. */
    OTHER_LIST
  }

  /** A refused token. */
  public static final class InvalidTokenException extends Exception {
    private final Refusal refusal;

    InvalidTokenException(Refusal refusal) {
      super(refusal.name(), null, false, false);
      this.refusal = refusal;
    }

    public Refusal refusal() {
      return refusal;
    }
  }

  /** The token that continues {@code list} after the position (its parts, in order). */
  public static String encode(String list, String... position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(
            (VERSION + "|" + digest(list) + "|" + String.join("|", position))
                .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The position of a token of {@code list}, in {@code parts} parts (the last may hold '|').
   *
   * @throws InvalidTokenException when it is not a token, or one of another list
   */
  public static List<String> decode(String token, String list, int parts)
      throws InvalidTokenException {
    String[] fields;
    try {
      fields =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)
              .split("\\|", parts + 2);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException(Refusal.MALFORMED);
    }
    if (fields.length != parts + 2 || !fields[0].equals(VERSION)) {
      throw new InvalidTokenException(Refusal.MALFORMED);
    }
    if (!fields[1].equals(digest(list))) {
      throw new InvalidTokenException(Refusal.OTHER_LIST);
    }
    return List.of(fields).subList(2, fields.length);
  }

  private static String digest(String list) {
    return Integer.toHexString(list.hashCode());
  }
}
