package dev.parley.conversation.store;

import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import dev.parley.platform.proto.ProtoJson;
import java.util.List;
import org.jooq.JSONB;

/** Lists of strings as JSON arrays. */
final class JsonText {
  private JsonText() {}

  static JSONB ofStrings(List<String> values) {
    ListValue.Builder list = ListValue.newBuilder();
    values.forEach(value -> list.addValues(Value.newBuilder().setStringValue(value)));
    return JSONB.valueOf(ProtoJson.toJson(list.build()));
  }

  static List<String> toStrings(String json) {
    return ProtoJson.toListValue(json).getValuesList().stream().map(Value::getStringValue).toList();
  }
}
