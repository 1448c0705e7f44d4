package dev.parley.platform.time;

import dev.parley.platform.error.ParleyException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ISO 8601 date-times as the REST dialects write them. */
public final class Iso8601 {
  private static final DateTimeFormatter MILLIS_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Iso8601() {}

  /** UTC with milliseconds, e.g. {@code 2026-11-24T10:00:00.000Z}. */
  public static String format(Instant instant) {
    return MILLIS_UTC.format(instant);
  }

  /** A date-time that names its offset ({@code Z} or {@code +02:00}); null stays null. */
  public static Instant parse(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw ParleyException.invalidArgument(
          field, "must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z");
    }
  }
}
