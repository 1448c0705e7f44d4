package dev.parley.platform.events;

import dev.parley.event.v1.Event;
import dev.parley.platform.ops.Tracing;
import io.opentelemetry.api.trace.Span;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Writes a service's domain events into its schema's {@code event_outbox} in the transaction of the
 * change they describe. A trigger wakes the streams (its NOTIFY is delivered when that transaction
 * commits, never before, never for a rollback); {@link OutboxStream} serves them.
 */
public final class Outbox {
  private final Table<?> table;

  /** The outbox of this schema. */
  public Outbox(String schema) {
    this.table = DSL.table(DSL.name(schema, "event_outbox"));
  }

  /**
   * Appends an event of the tenant about the subject in the transaction of {@code dsl}: {@code
   * payload} is an event with only its payload set (its kind), as the service's event mapper builds
   * it.
   */
  public void append(DSLContext dsl, String tenantId, String subjectId, Event payload) {
    appendAll(dsl, tenantId, List.of(subjectId), payload);
  }

  /**
   * Appends one event per subject, all of one payload (a bulk update or delete), in a single
   * statement; nothing for no subjects.
   */
  public void appendAll(DSLContext dsl, String tenantId, List<String> subjectIds, Event payload) {
    if (subjectIds.isEmpty()) {
      return;
    }
    String type = EventPayloads.type(payload);
    JSONB json = JSONB.valueOf(EventPayloads.json(payload));
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    String traceParent = Tracing.traceparent(Span.current().getSpanContext()).orElse(null);
    var insert =
        dsl.insertInto(
            table,
            DSL.field(DSL.name("tenant_id")),
            DSL.field(DSL.name("id")),
            DSL.field(DSL.name("type")),
            DSL.field(DSL.name("subject_id")),
            DSL.field(DSL.name("data_json"), SQLDataType.JSONB),
            DSL.field(DSL.name("created_at")),
            DSL.field(DSL.name("trace_parent")));
    for (String subjectId : subjectIds) {
      insert = insert.values(tenantId, UUID.randomUUID(), type, subjectId, json, now, traceParent);
    }
    insert.execute();
  }
}
