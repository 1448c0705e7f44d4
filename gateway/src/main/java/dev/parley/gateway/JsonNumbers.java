package dev.parley.gateway;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Java's protobuf JSON printer writes every number of a {@code google.protobuf.Value} as a double
 * ({@code 1.0}); Envoy's C++ printer, like the vendors, writes {@code 1}. Rewrites integral numbers
 * so that free-form JSON (properties, content) comes back as it was sent, and writes every number
 * without an exponent.
 */
final class JsonNumbers {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private JsonNumbers() {}

  /** The UTF-8 JSON text with its numbers rewritten, or the same array when none needs it. */
  static byte[] normalize(byte[] json) {
    if (!hasRewritableNumber(json)) {
      return json; // The common case: no copy, no decoding.
    }
    return normalize(new String(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
  }

  private static String normalize(String json) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      return MAPPER.writeValueAsString(normalize(tree));
    } catch (JsonProcessingException e) {
      return json;
    }
  }

  /**
   * Whether the text has a number written with a zero fraction, e.g. {@code 3.0}, or with an
   * exponent, e.g. {@code 1.7356896001E9} (how Java prints a double field such as Bedrock's epoch
   * seconds; Envoy prints {@code 1735689600.1}), followed by {@code ,} {@code }} {@code ]} or white
   * space. One pass over the bytes: this runs on every JSON answer, and a regular expression that
   * may start at every digit cost a tenth of the gateway's time on a conversation of ten messages.
   * A match inside a string only costs the full rewrite, which changes numbers only.
   */
  static boolean hasRewritableNumber(byte[] json) {
    int end = json.length;
    for (int i = 0; i + 1 < end; i++) {
      if (!isDigit(json[i])) {
        continue;
      }
      int next = i + 1;
      int after;
      if (json[next] == '.') {
        after = next + 1;
        while (after < end && json[after] == '0') {
          after++;
        }
        if (after == next + 1) {
          continue; // A fraction that does not start with 0, e.g. 1.5.
        }
        if (after < end && (json[after] == 'e' || json[after] == 'E')) {
          after = afterExponent(json, after);
        }
      } else if (json[next] == 'e' || json[next] == 'E') {
        after = afterExponent(json, next);
      } else {
        continue;
      }
      if (after >= 0 && after < end && isTerminator(json[after])) {
        return true;
      }
    }
    return false;
  }

  /** The index after an exponent starting at {@code e}, or -1 when no digit follows. */
  private static int afterExponent(byte[] json, int e) {
    int index = e + 1;
    if (index < json.length && (json[index] == '+' || json[index] == '-')) {
      index++;
    }
    int digits = index;
    while (index < json.length && isDigit(json[index])) {
      index++;
    }
    return index > digits ? index : -1;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static boolean isTerminator(byte b) {
    return switch (b) {
      case ',', '}', ']', ' ', '\t', '\n', '\r', 0x0B, '\f' -> true;
      default -> false;
    };
  }

  private static JsonNode normalize(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        field.setValue(normalize(field.getValue()));
      }
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, normalize(array.get(i)));
      }
      return array;
    }
    if (node.isBigDecimal()) {
      BigDecimal value = node.decimalValue();
      if (value.signum() == 0) {
        return JsonNodeFactory.instance.numberNode(0);
      }
      BigDecimal stripped = value.stripTrailingZeros();
      if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 16) {
        return JsonNodeFactory.instance.numberNode(stripped.toBigIntegerExact());
      }
      return JsonNodeFactory.instance.numberNode(stripped);
    }
    return node;
  }
}
