package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.parley.platform.proto.ProtoJson;
import org.junit.jupiter.api.Test;

class ProtoJsonTest {
  private static final String SAMPLE =
      "{\"text\":\"h\\u00e9 \\\"quoted\\\"\\n\",\"count\":3,\"ratio\":0.25,\"big\":12345678901,"
          + "\"negative\":-2,\"flag\":true,\"off\":false,\"nothing\":null,"
          + "\"list\":[1,\"two\",{\"three\":[]},null],\"empty\":{}}";

  @Test
  void readsWhatProtobufsOwnParserReads() throws Exception {
    Value.Builder expected = Value.newBuilder();
    JsonFormat.parser().merge(SAMPLE, expected);

    assertThat(ProtoJson.toValue(SAMPLE)).isEqualTo(expected.build());
  }

  @Test
  void writesIntegralNumbersAsIntegersAndRoundTrips() {
    Value value = ProtoJson.toValue(SAMPLE);
    String written = ProtoJson.toJson(value);

    assertThat(written)
        .contains("\"count\":3,")
        .contains("\"ratio\":0.25")
        .contains("\"big\":12345678901");
    assertThat(ProtoJson.toValue(written)).isEqualTo(value);
    assertThat(ProtoJson.toJson(ProtoJson.toValue("\"plain\""))).isEqualTo("\"plain\"");
    assertThat(ProtoJson.toValue(null).hasNullValue()).isTrue();
    assertThat(ProtoJson.toStruct(null)).isNull();
  }
}
