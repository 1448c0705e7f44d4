package dev.parley.platform.events;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A consumer's position in the event streams it follows: one row per stream in its schema's {@code
 * stream_cursor} table ({@code stream, cursor, updated_at}). Written in the consumer's transaction,
 * so it moves with what was applied.
 */
public final class StreamCursors {
  private static final Field<String> STREAM = DSL.field(DSL.name("stream"), SQLDataType.VARCHAR);
  private static final Field<String> CURSOR = DSL.field(DSL.name("cursor"), SQLDataType.VARCHAR);
  private static final Field<OffsetDateTime> UPDATED_AT =
      DSL.field(DSL.name("updated_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);

  private final Table<?> table;

  /** The cursors of this schema. */
  public StreamCursors(String schema) {
    this.table = DSL.table(DSL.name(schema, "stream_cursor"));
  }

  /** The cursor of the last record applied from the stream, if any. */
  public Optional<String> read(DSLContext dsl, String stream) {
    return dsl.select(CURSOR).from(table).where(STREAM.eq(stream)).fetchOptional(CURSOR);
  }

  /** Moves the stream's cursor, in the transaction of {@code dsl}. */
  public void write(DSLContext dsl, String stream, String cursor) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    dsl.insertInto(table, STREAM, CURSOR, UPDATED_AT)
        .values(stream, cursor, now)
        .onConflict(STREAM)
        .doUpdate()
        .set(CURSOR, cursor)
        .set(UPDATED_AT, now)
        .execute();
  }
}
