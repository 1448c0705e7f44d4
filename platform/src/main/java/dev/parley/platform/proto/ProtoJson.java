package dev.parley.platform.proto;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Free-form JSON between its protobuf form ({@code Struct}, {@code ListValue}, {@code Value}) and
 * the JSON text that the domain and the database keep. Null in, null out. Streams with Jackson:
 * protobuf's reflective JsonFormat costs several times more, and these conversions run for every
 * message of every conversation a dialect reads or writes.
 */
public final class ProtoJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ProtoJson() {}

  public static String toJson(Value value) {
    return value == null ? null : write(generator -> writeValue(generator, value));
  }

  public static String toJson(Struct struct) {
    return struct == null ? null : write(generator -> writeStruct(generator, struct));
  }

  public static String toJson(ListValue list) {
    return list == null ? null : write(generator -> writeList(generator, list));
  }

  /** A Value from JSON text; JSON null for null text. */
  public static Value toValue(String json) {
    if (json == null) {
      return nullValue();
    }
    try (JsonParser parser = JSON.createParser(json)) {
      return readValue(parser, parser.nextToken());
    } catch (IOException e) {
      throw new IllegalStateException("Stored JSON is not valid: " + e.getMessage(), e);
    }
  }

  public static Struct toStruct(String json) {
    return json == null ? null : toValue(json).getStructValue();
  }

  public static ListValue toListValue(String json) {
    return json == null ? null : toValue(json).getListValue();
  }

  public static Value nullValue() {
    return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
  }

  public static Value stringOrNull(String text) {
    return text == null ? nullValue() : Value.newBuilder().setStringValue(text).build();
  }

  private static Value readValue(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> {
        Struct.Builder struct = Struct.newBuilder();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          struct.putFields(name, readValue(parser, parser.nextToken()));
        }
        yield Value.newBuilder().setStructValue(struct).build();
      }
      case START_ARRAY -> {
        ListValue.Builder list = ListValue.newBuilder();
        for (JsonToken next = parser.nextToken();
            next != JsonToken.END_ARRAY;
            next = parser.nextToken()) {
          list.addValues(readValue(parser, next));
        }
        yield Value.newBuilder().setListValue(list).build();
      }
      case VALUE_STRING -> Value.newBuilder().setStringValue(parser.getText()).build();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
          Value.newBuilder().setNumberValue(parser.getDoubleValue()).build();
      case VALUE_TRUE -> Value.newBuilder().setBoolValue(true).build();
      case VALUE_FALSE -> Value.newBuilder().setBoolValue(false).build();
      case VALUE_NULL -> nullValue();
      default -> throw new IOException("Unexpected JSON token " + token);
    };
  }

  private static void writeValue(JsonGenerator generator, Value value) throws IOException {
    switch (value.getKindCase()) {
      case STRUCT_VALUE -> writeStruct(generator, value.getStructValue());
      case LIST_VALUE -> writeList(generator, value.getListValue());
      case STRING_VALUE -> generator.writeString(value.getStringValue());
      case NUMBER_VALUE -> writeNumber(generator, value.getNumberValue());
      case BOOL_VALUE -> generator.writeBoolean(value.getBoolValue());
      case NULL_VALUE, KIND_NOT_SET -> generator.writeNull();
    }
  }

  /** Integral numbers as integers ({@code 3}, not {@code 3.0}), as clients sent them. */
  private static void writeNumber(JsonGenerator generator, double number) throws IOException {
    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
      generator.writeNumber((long) number);
    } else {
      generator.writeNumber(number);
    }
  }

  private static void writeStruct(JsonGenerator generator, Struct struct) throws IOException {
    generator.writeStartObject();
    for (Map.Entry<String, Value> field : struct.getFieldsMap().entrySet()) {
      generator.writeFieldName(field.getKey());
      writeValue(generator, field.getValue());
    }
    generator.writeEndObject();
  }

  private static void writeList(JsonGenerator generator, ListValue list) throws IOException {
    generator.writeStartArray();
    for (Value value : list.getValuesList()) {
      writeValue(generator, value);
    }
    generator.writeEndArray();
  }

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator generator) throws IOException;
  }

  private static String write(Writer writer) {
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(text)) {
      writer.write(generator);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
