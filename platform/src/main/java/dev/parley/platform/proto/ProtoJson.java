package dev.parley.platform.proto;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;

/**
 * Free-form JSON between its protobuf form ({@code Struct}, {@code ListValue}, {@code Value}) and
 * the JSON text that the domain and the database keep. Null in, null out.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJson() {}

  public static String toJson(Value value) {
    return value == null ? null : print(value);
  }

  public static String toJson(Struct struct) {
    return struct == null ? null : print(struct);
  }

  public static String toJson(ListValue list) {
    return list == null ? null : print(list);
  }

  /** A Value from JSON text; JSON null for null text. */
  public static Value toValue(String json) {
    if (json == null) {
      return Value.newBuilder().setNullValueValue(0).build();
    }
    Value.Builder builder = Value.newBuilder();
    parse(json, builder);
    return builder.build();
  }

  public static Struct toStruct(String json) {
    if (json == null) {
      return null;
    }
    Struct.Builder builder = Struct.newBuilder();
    parse(json, builder);
    return builder.build();
  }

  public static ListValue toListValue(String json) {
    if (json == null) {
      return null;
    }
    ListValue.Builder builder = ListValue.newBuilder();
    parse(json, builder);
    return builder.build();
  }

  public static Value nullValue() {
    return Value.newBuilder().setNullValueValue(0).build();
  }

  public static Value stringOrNull(String text) {
    return text == null ? nullValue() : Value.newBuilder().setStringValue(text).build();
  }

  private static String print(com.google.protobuf.MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("Not printable as JSON", e);
    }
  }

  private static void parse(String json, com.google.protobuf.Message.Builder builder) {
    try {
      PARSER.merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("Stored JSON is not valid: " + e.getMessage(), e);
    }
  }
}
