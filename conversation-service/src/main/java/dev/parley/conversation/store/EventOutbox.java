package dev.parley.conversation.store;

import static dev.parley.conversation.store.schema.Tables.EVENT_OUTBOX;

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

/**
 * Writes domain events in the transaction of the change they describe. A trigger wakes the streams
 * (its NOTIFY is delivered when that transaction commits, never before, never for a rollback).
 */
final class EventOutbox {
  /** The channel StreamEvents listens on. */
  static final String CHANNEL = "parley_conversation_events";

  private EventOutbox() {}

  static void append(DSLContext dsl, String tenantId, String type, String subjectId, Struct data) {
    dsl.insertInto(EVENT_OUTBOX)
        .set(EVENT_OUTBOX.TENANT_ID, tenantId)
        .set(EVENT_OUTBOX.ID, UUID.randomUUID())
        .set(EVENT_OUTBOX.TYPE, type)
        .set(EVENT_OUTBOX.SUBJECT_ID, subjectId)
        .set(EVENT_OUTBOX.DATA_JSON, JSONB.valueOf(ProtoJson.toJson(data)))
        .set(EVENT_OUTBOX.CREATED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .execute();
  }

  /** A small builder for event data. */
  static final class Data {
    private final Struct.Builder fields = Struct.newBuilder();

    Data put(String name, String value) {
      fields.putFields(name, ProtoJson.stringOrNull(value));
      return this;
    }

    Data put(String name, long value) {
      fields.putFields(name, Value.newBuilder().setNumberValue(value).build());
      return this;
    }

    Data put(String name, boolean value) {
      fields.putFields(name, Value.newBuilder().setBoolValue(value).build());
      return this;
    }

    Data put(String name, Struct value) {
      fields.putFields(name, Value.newBuilder().setStructValue(value).build());
      return this;
    }

    Data putList(String name, List<Value> values) {
      fields.putFields(
          name,
          Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(values)).build());
      return this;
    }

    Struct build() {
      return fields.build();
    }
  }
}
