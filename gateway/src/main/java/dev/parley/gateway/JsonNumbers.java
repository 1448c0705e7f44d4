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
import java.util.Map;
import java.util.regex.Pattern;

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

  /**
   * A number written with a zero fraction, e.g. {@code 3.0}, or with an exponent, e.g. {@code
   * 1.7356896001E9} (how Java prints a double field such as Bedrock's epoch seconds; Envoy prints
   * {@code 1735689600.1}), before {@code ,} {@code }} or {@code ]}.
   */
  private static final Pattern INTEGRAL_DOUBLE =
      Pattern.compile("\\d(?:\\.0+(?:[eE][+-]?\\d+)?|[eE][+-]?\\d+)[,}\\]\\s]");

  private JsonNumbers() {}

  static String normalize(String json) {
    if (!INTEGRAL_DOUBLE.matcher(json).find()) {
      return json; // No number ends in ".0": nothing to rewrite (the common case).
    }
    try {
      JsonNode tree = MAPPER.readTree(json);
      return MAPPER.writeValueAsString(normalize(tree));
    } catch (JsonProcessingException e) {
      return json;
    }
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
