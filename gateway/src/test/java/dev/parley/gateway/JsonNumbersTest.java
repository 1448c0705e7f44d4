package dev.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JsonNumbersTest {
  /** The rule as a regular expression, the form it had before the one-pass scan. */
  private static final Pattern RULE =
      Pattern.compile("\\d(?:\\.0+(?:[eE][+-]?\\d+)?|[eE][+-]?\\d+)[,}\\]\\s]");

  private static String normalized(String json) {
    return new String(
        JsonNumbers.normalize(json.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  @Test
  void writesIntegralNumbersWithoutFractionOrExponent() {
    assertThat(normalized("{\"a\":3.0,\"b\":[1.00, 2.5],\"c\":{\"d\":1.7356896001E9}}"))
        .isEqualTo("{\"a\":3,\"b\":[1,2.5],\"c\":{\"d\":1735689600.1}}");
    assertThat(normalized("{\"zero\":0.0,\"big\":1e3}")).isEqualTo("{\"zero\":0,\"big\":1000}");
  }

  @Test
  void leavesTextWithoutSuchNumbersAsItIsTheSameArray() {
    byte[] json =
        "{\"createdAt\":\"2026-12-01T10:00:00.000Z\",\"n\":12,\"x\":1.5,\"v\":\"1.0\",\"é\":\"\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertThat(JsonNumbers.normalize(json)).isSameAs(json);
  }

  @Test
  void findsExactlyWhatTheRuleDescribes() {
    Random random = new Random(7);
    String alphabet = "0123456789.eE+-,}] \n\"a{[:";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String candidate = text.toString();
      assertThat(JsonNumbers.hasRewritableNumber(candidate.getBytes(StandardCharsets.UTF_8)))
          .as(candidate)
          .isEqualTo(RULE.matcher(candidate).find());
    }
  }
}
