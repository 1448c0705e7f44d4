package dev.parley.conversation.store;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.JSONB;

/** Conversions between the domain's values and column values; null stays null. */
final class Columns {
  private Columns() {}

  static JSONB jsonb(String json) {
    return json == null ? null : JSONB.valueOf(json);
  }

  static String text(JSONB json) {
    return json == null ? null : json.data();
  }

  static OffsetDateTime timestamp(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
