package dev.parley.platform.events;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.parley.event.v1.EventRecord;
import dev.parley.event.v1.ParkedEvent;
import dev.parley.platform.proto.ProtoTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The events a consumer could not apply: one row per event in its schema's {@code parked_event}
 * table, under row-level security like every tenant table (the caller's transaction is bound to the
 * event's tenant).
 */
final class ParkedEvents {
  private static final Field<String> TENANT_ID =
      DSL.field(DSL.name("tenant_id"), SQLDataType.VARCHAR);
  private static final Field<String> STREAM = DSL.field(DSL.name("stream"), SQLDataType.VARCHAR);
  private static final Field<UUID> EVENT_ID = DSL.field(DSL.name("event_id"), SQLDataType.UUID);
  private static final Field<byte[]> RECORD = DSL.field(DSL.name("record"), SQLDataType.BLOB);
  private static final Field<String> ERROR = DSL.field(DSL.name("error"), SQLDataType.CLOB);
  private static final Field<Integer> ATTEMPTS =
      DSL.field(DSL.name("attempts"), SQLDataType.INTEGER);
  private static final Field<OffsetDateTime> PARKED_AT =
      DSL.field(DSL.name("parked_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);
  private static final Field<OffsetDateTime> LAST_ATTEMPT_AT =
      DSL.field(DSL.name("last_attempt_at"), SQLDataType.TIMESTAMPWITHTIMEZONE);

  private final Table<?> table;

  ParkedEvents(String schema) {
    this.table = DSL.table(DSL.name(schema, "parked_event"));
  }

  /** Parks the record of the stream (again, if it was parked before: the newest error wins). */
  void park(
      DSLContext tx,
      String stream,
      EventRecord record,
      String error,
      int attempts,
      OffsetDateTime now) {
    tx.insertInto(
            table, TENANT_ID, STREAM, EVENT_ID, RECORD, ERROR, ATTEMPTS, PARKED_AT, LAST_ATTEMPT_AT)
        .values(
            record.getEvent().getTenantId(),
            stream,
            UUID.fromString(record.getEvent().getId()),
            record.toByteArray(),
            error,
            attempts,
            now,
            now)
        .onConflict(TENANT_ID, STREAM, EVENT_ID)
        .doUpdate()
        .set(ERROR, error)
        .set(
            ATTEMPTS, DSL.field(DSL.name("parked_event", "attempts"), Integer.class).plus(attempts))
        .set(LAST_ATTEMPT_AT, now)
        .execute();
  }

  /** The tenant's parked events (of one stream, or of all when {@code stream} is empty). */
  List<ParkedEvent> list(DSLContext tx, String tenantId, String stream, int limit) {
    Condition condition = TENANT_ID.eq(tenantId);
    if (!stream.isEmpty()) {
      condition = condition.and(STREAM.eq(stream));
    }
    List<ParkedEvent> parked = new ArrayList<>();
    for (Record row :
        tx.select(STREAM, RECORD, ERROR, ATTEMPTS, PARKED_AT, LAST_ATTEMPT_AT)
            .from(table)
            .where(condition)
            .orderBy(PARKED_AT, EVENT_ID)
            .limit(limit)
            .fetch()) {
      parked.add(parkedEvent(row));
    }
    return parked;
  }

  /** One parked event. */
  Optional<ParkedEvent> find(DSLContext tx, String tenantId, String stream, UUID eventId) {
    return tx.select(STREAM, RECORD, ERROR, ATTEMPTS, PARKED_AT, LAST_ATTEMPT_AT)
        .from(table)
        .where(TENANT_ID.eq(tenantId), STREAM.eq(stream), EVENT_ID.eq(eventId))
        .fetchOptional()
        .map(ParkedEvents::parkedEvent);
  }

  void remove(DSLContext tx, String tenantId, String stream, UUID eventId) {
    tx.deleteFrom(table)
        .where(TENANT_ID.eq(tenantId), STREAM.eq(stream), EVENT_ID.eq(eventId))
        .execute();
  }

  private static ParkedEvent parkedEvent(Record row) {
    EventRecord record;
    try {
      record = EventRecord.parseFrom(row.get(RECORD));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("A parked event is not an EventRecord", e);
    }
    return ParkedEvent.newBuilder()
        .setStream(row.get(STREAM))
        .setRecord(record)
        .setError(row.get(ERROR))
        .setAttempts(row.get(ATTEMPTS))
        .setParkTime(ProtoTime.timestamp(row.get(PARKED_AT).toInstant()))
        .setLastAttemptTime(ProtoTime.timestamp(row.get(LAST_ATTEMPT_AT).toInstant()))
        .build();
  }
}
