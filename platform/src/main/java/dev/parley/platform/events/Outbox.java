package dev.parley.platform.events;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.platform.proto.ProtoJson;
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

  /** Appends an event of the tenant in the transaction of {@code dsl}. */
  public void append(DSLContext dsl, String tenantId, String type, String subjectId, Struct data) {
    appendAll(dsl, tenantId, type, List.of(subjectId), data);
  }

  /**
   * Appends one event per subject, all of one type and data (a bulk update or delete), in a single
   * statement; nothing for no subjects.
   */
  public void appendAll(
      DSLContext dsl, String tenantId, String type, List<String> subjectIds, Struct data) {
    if (subjectIds.isEmpty()) {
      return;
    }
    JSONB json = JSONB.valueOf(ProtoJson.toJson(data));
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    var insert =
        dsl.insertInto(
            table,
            DSL.field(DSL.name("tenant_id")),
            DSL.field(DSL.name("id")),
            DSL.field(DSL.name("type")),
            DSL.field(DSL.name("subject_id")),
            DSL.field(DSL.name("data_json"), SQLDataType.JSONB),
            DSL.field(DSL.name("created_at")));
    for (String subjectId : subjectIds) {
      insert = insert.values(tenantId, UUID.randomUUID(), type, subjectId, json, now);
    }
    insert.execute();
  }

  /** A small builder for event data. */
  public static final class Data {
    private final Struct.Builder fields = Struct.newBuilder();

    public Data put(String name, String value) {
      fields.putFields(name, ProtoJson.stringOrNull(value));
      return this;
    }

    public Data put(String name, long value) {
      fields.putFields(name, Value.newBuilder().setNumberValue(value).build());
      return this;
    }

    public Data put(String name, boolean value) {
      fields.putFields(name, Value.newBuilder().setBoolValue(value).build());
      return this;
    }

    public Data put(String name, Struct value) {
      fields.putFields(name, Value.newBuilder().setStructValue(value).build());
      return this;
    }

    public Data putList(String name, List<Value> values) {
      fields.putFields(
          name,
          Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(values)).build());
      return this;
    }

    public Struct build() {
      return fields.build();
    }
  }
}
