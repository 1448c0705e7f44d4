package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.parley.standalone.RestRoutes.Route;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bad input for every REST route of every dialect, generated from the contracts (so a new route is
 * covered without new code): malformed and wrong-typed bodies, unknown enum values, huge and
 * NUL-bearing strings, bad path segments and query values. Every answer is a 4xx (or 2xx where the
 * input is acceptable after all) in the dialect's error shape, never a 5xx, never an empty reply,
 * and a refused request changes nothing stored.
 *
 * <p>Seeded and bounded: {@code -Dparley.fuzz.seed=N} replays a run, {@code -Dparley.fuzz.rounds=N}
 * (default 1) runs N rounds with new picks of fields and values.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractFuzzTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** How many fields of a route each kind of mutation picks per round. */
  private static final int FIELDS_PER_ROUND = 3;

  private static final List<String> BAD_PATH_VALUES =
      List.of("%00", "x".repeat(10_000), "..%2F..%2Fsecret", "%ff%fe", "a;b", "%0d%0a", "%20");
  private static final List<String> BAD_QUERY_VALUES =
      List.of("%00", "x".repeat(10_000), "-1", "1e999", "NaN", "%ff%fe", "99999999999999999999");

  private TestingParley parley;
  private TenantFixture tenant;
  private final long seed = Long.getLong("parley.fuzz.seed", 20261201L);
  private final int rounds = Integer.getInteger("parley.fuzz.rounds", 1);
  private final List<String> failures = new ArrayList<>();
  private int requests;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    tenant = TenantFixture.create(parley, "fuzz");
  }

  @Test
  void everyRouteAnswersBadInputWithA4xxInItsDialectsShapeAndChangesNothing() {
    Random random = new Random(seed);
    List<Route> routes = RestRoutes.dialectRoutes();
    assertThat(routes).hasSizeGreaterThan(50);
    for (int round = 0; round < rounds; round++) {
      for (Route route : routes) {
        fuzz(route, random);
      }
    }
    assertThat(failures)
        .as("seed %d, %d requests over %d routes", seed, requests, routes.size())
        .isEmpty();
  }

  private void fuzz(Route route, Random random) {
    String path = route.path(tenant::pathValue);
    boolean unimplemented =
        send(route, path, route.bodyType() == null ? null : "{}").status() == 501;

    Descriptor body = route.bodyType();
    if (body != null) {
      check(route, path, "{\"broken\": ", unimplemented, Expect.REFUSED);
      check(route, path, "[1, 2", unimplemented, Expect.REFUSED);
      check(route, path, "\"text\"", unimplemented, Expect.ANY);
      for (FieldDescriptor field : pick(route.bodyFields(), random)) {
        check(route, path, bodyWith(field, wrongType(field)), unimplemented, Expect.ANY);
      }
      List<FieldDescriptor> strings =
          route.bodyFields().stream()
              .filter(field -> field.getJavaType() == FieldDescriptor.JavaType.STRING)
              .toList();
      for (FieldDescriptor field : pick(strings, random)) {
        check(
            route,
            path,
            bodyWith(field, NODES.textNode("a\u0000b")),
            unimplemented,
            Expect.INVALID);
        check(
            route,
            path,
            bodyWith(field, NODES.textNode("z".repeat(200_000 + random.nextInt(1000)))),
            unimplemented,
            Expect.ANY);
      }
    }
    for (FieldDescriptor field : pick(route.queryFields(), random)) {
      String value = BAD_QUERY_VALUES.get(random.nextInt(BAD_QUERY_VALUES.size()));
      String query = (path.contains("?") ? "&" : "?") + field.getJsonName() + "=" + value;
      check(route, path + query, body == null ? null : "{}", unimplemented, Expect.ANY);
    }
    List<String> variables = route.variables();
    if (!variables.isEmpty()) {
      int broken = random.nextInt(variables.size());
      int[] index = {0};
      String value = BAD_PATH_VALUES.get(random.nextInt(BAD_PATH_VALUES.size()));
      String badPath = route.path(name -> index[0]++ == broken ? value : tenant.pathValue(name));
      check(route, badPath, body == null ? null : "{}", unimplemented, Expect.ANY);
    }
  }

  private enum Expect {
    /** A 2xx is fine too: the input may be acceptable. */
    ANY,
    /** Any 4xx. */
    REFUSED,
    /** Exactly 400; Bedrock answers what FastAPI refuses while reading the request with 422. */
    INVALID
  }

  private void check(Route route, String path, String body, boolean unimplemented, Expect expect) {
    String before = tenant.fingerprint();
    TestingParley.Response response;
    try {
      response = send(route, path, body);
    } catch (UncheckedIOException e) {
      failures.add(describe(route, path, body) + ": no answer (" + e.getMessage() + ")");
      return;
    }
    int status = response.status();
    String what = describe(route, path, body) + " -> " + status;
    if (status >= 500 && !(unimplemented && status == 501)) {
      failures.add(what + ": " + abbreviate(response.body()));
      return;
    }
    if (expect == Expect.REFUSED && status < 400) {
      failures.add(what + ": accepted");
    }
    int invalid = path.startsWith("/bedrock/") ? 422 : 400;
    if (expect == Expect.INVALID && status != invalid && !(unimplemented && status == 501)) {
      failures.add(what + ": expected " + invalid + ": " + abbreviate(response.body()));
    }
    if (status >= 400) {
      String problem =
          DialectShapes.errorShapeProblem(
              path, status, response.header("content-type"), response.body());
      if (problem != null) {
        failures.add(what + ": " + problem);
      }
      if (!tenant.fingerprint().equals(before)) {
        failures.add(what + ": refused, but stored data changed");
      }
    }
  }

  private TestingParley.Response send(Route route, String path, String body) {
    requests++;
    return parley.send(route.httpMethod(), path, tenant.key, body, "API-KEY", tenant.key);
  }

  private static String bodyWith(
      FieldDescriptor field, com.fasterxml.jackson.databind.JsonNode value) {
    ObjectNode body = JSON.createObjectNode();
    body.set(field.getJsonName(), value);
    return body.toString();
  }

  /** A JSON value of a type the field cannot take (an unknown name for an enum). */
  private static com.fasterxml.jackson.databind.JsonNode wrongType(FieldDescriptor field) {
    if (field.isRepeated() && !field.isMapField()) {
      return NODES.textNode("not a list");
    }
    return switch (field.getJavaType()) {
      case STRING, BYTE_STRING -> NODES.objectNode().put("nested", 1);
      case INT, LONG, FLOAT, DOUBLE -> NODES.textNode("not a number");
      case BOOLEAN -> NODES.textNode("not a boolean");
      case ENUM -> NODES.textNode("NOT_A_VALUE_OF_" + field.getEnumType().getName());
      case MESSAGE -> NODES.numberNode(42);
    };
  }

  private static <T> List<T> pick(List<T> items, Random random) {
    List<T> shuffled = new ArrayList<>(items);
    java.util.Collections.shuffle(shuffled, random);
    return shuffled.subList(0, Math.min(FIELDS_PER_ROUND, shuffled.size()));
  }

  private static String describe(Route route, String path, String body) {
    return route + " as " + route.httpMethod() + " " + abbreviate(path) + " " + abbreviate(body);
  }

  private static String abbreviate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= 120 ? text : text.substring(0, 120) + "...(" + text.length() + ")";
  }
}
