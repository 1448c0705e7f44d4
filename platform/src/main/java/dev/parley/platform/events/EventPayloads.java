package dev.parley.platform.events;

import com.google.common.collect.ImmutableMap;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.parley.event.v1.Event;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a typed event is kept in an outbox: its kind as a dotted type name (the payload field's name,
 * its first underscore a dot: {@code conversation_upserted} is {@code conversation.upserted}) and
 * its payload as JSON with the proto field names, which are the keys the untyped events of earlier
 * releases had; reading either gives the typed payload. Nothing here knows an event kind by name:
 * every kind of {@code parley.event.v1.Event}'s {@code payload} is handled alike.
 */
final class EventPayloads {
  private static final OneofDescriptor PAYLOAD =
      Event.getDescriptor().getOneofs().stream()
          .filter(oneof -> oneof.getName().equals("payload"))
          .findFirst()
          .orElseThrow();
  private static final Map<String, FieldDescriptor> BY_TYPE = byType();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private static final Logger LOG = LoggerFactory.getLogger(EventPayloads.class);

  private EventPayloads() {}

  /** The stored type name of the event's kind. */
  static String type(Event event) {
    FieldDescriptor field = event.getOneofFieldDescriptor(PAYLOAD);
    if (field == null) {
      throw new IllegalArgumentException("An event to append has no payload");
    }
    return type(field);
  }

  /** The payload as the outbox stores it. */
  static String json(Event event) {
    try {
      return PRINTER.print((Message) event.getField(event.getOneofFieldDescriptor(PAYLOAD)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Cannot print an event payload", e);
    }
  }

  /**
   * Sets the payload of the stored type from its JSON. A type this release does not know (one a
   * newer producer wrote), or a payload it cannot read, leaves the payload unset, for consumers to
   * skip.
   */
  static void read(Event.Builder event, String type, String json) {
    FieldDescriptor field = BY_TYPE.get(type);
    if (field == null) {
      return;
    }
    Message.Builder payload = event.newBuilderForField(field);
    try {
      PARSER.merge(json, payload);
    } catch (InvalidProtocolBufferException e) {
      // Served without its payload, for consumers to skip and count: an unreadable event must
      // not stop the stream of every event after it.
      LOG.atError()
          .addKeyValue("eventId", event.getId())
          .addKeyValue("type", type)
          .setCause(e)
          .log("A stored event is not readable; serving it without its payload");
      return;
    }
    event.setField(field, payload.build());
  }

  private static String type(FieldDescriptor field) {
    return field.getName().replaceFirst("_", ".");
  }

  private static Map<String, FieldDescriptor> byType() {
    ImmutableMap.Builder<String, FieldDescriptor> types = ImmutableMap.builder();
    for (FieldDescriptor field : PAYLOAD.getFields()) {
      types.put(type(field), field);
    }
    return types.build();
  }
}
