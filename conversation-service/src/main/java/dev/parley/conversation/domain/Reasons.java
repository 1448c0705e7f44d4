package dev.parley.conversation.domain;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.platform.proto.ProtoJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Feedback reasons are stored in Inkeep's shape, {@code [{"label", "details"}]}, so that every
 * dialect reads what any other wrote: Bedrock's category and Alli's feedback selection are labels.
 */
public final class Reasons {
  private Reasons() {}

  /** The stored JSON of these labels (with empty details). */
  public static String toJson(List<String> labels) {
    ListValue.Builder list = ListValue.newBuilder();
    for (String label : labels) {
      list.addValues(
          Value.newBuilder()
              .setStructValue(
                  Struct.newBuilder()
                      .putFields("label", Value.newBuilder().setStringValue(label).build())
                      .putFields("details", Value.newBuilder().setStringValue("").build())));
    }
    return ProtoJson.toJson(list.build());
  }

  /** The labels of stored reasons; empty when there are none. */
  public static List<String> labels(String json) {
    List<String> labels = new ArrayList<>();
    if (json == null) {
      return labels;
    }
    for (Value reason : ProtoJson.toListValue(json).getValuesList()) {
      Value label = reason.getStructValue().getFieldsOrDefault("label", null);
      if (label != null && label.hasStringValue()) {
        labels.add(label.getStringValue());
      }
    }
    return labels;
  }
}
