package dev.parley.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What one OpenAPI document promises beside another: operations, path and query parameters, success
 * statuses and the fields of each success body, with their JSON types. A field is a dotted path
 * ({@code items[].issue.id}); a value either document leaves free (any JSON, an object without
 * properties) holds whatever the other one puts under it. Each difference is one line of the form
 * the dialect docs list: {@code operation | difference}.
 */
final class OpenApiComparison {
  private static final int DEPTH = 8;

  private OpenApiComparison() {}

  /** One operation as compared: parameters ({@code in:name}) and success bodies by status. */
  private record Operation(Set<String> parameters, Map<String, Shape> bodies) {}

  /** The fields of a body: each path's JSON types, and the paths whose contents are free. */
  private record Shape(Map<String, Set<String>> fields, Set<String> free) {
    boolean holds(String path) {
      if (fields.containsKey(path)) {
        return true;
      }
      for (String open : free) {
        if (path.startsWith(open + ".") || path.startsWith(open + "[]")) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The differences of Parley's document from the vendor's, over the vendor operations the filter
   * keeps and all of Parley's: {@code "GET /path | field `a.b` missing"} and the like.
   */
  static Set<String> differences(
      JsonNode vendor, Predicate<JsonNode> vendorOperations, JsonNode parley) {
    Map<String, Operation> theirs = operations(vendor, vendorOperations);
    Map<String, Operation> ours = operations(parley, operation -> true);
    Set<String> differences = new TreeSet<>();
    for (Map.Entry<String, Operation> entry : theirs.entrySet()) {
      String name = entry.getKey();
      Operation their = entry.getValue();
      Operation our = ours.get(name);
      if (our == null) {
        differences.add(name + " | operation missing");
        continue;
      }
      for (String parameter : their.parameters()) {
        if (!our.parameters().contains(parameter)) {
          differences.add(name + " | parameter `" + parameter + "` missing");
        }
      }
      for (String parameter : our.parameters()) {
        if (!their.parameters().contains(parameter)) {
          differences.add(name + " | parameter `" + parameter + "` not in the vendor's document");
        }
      }
      for (Map.Entry<String, Shape> body : their.bodies().entrySet()) {
        Shape ourBody = our.bodies().get(body.getKey());
        if (ourBody == null) {
          differences.add(
              name + " | status " + body.getKey() + " answered as " + our.bodies().keySet());
          continue;
        }
        compare(name, body.getValue(), ourBody, differences);
      }
    }
    for (String name : ours.keySet()) {
      if (!theirs.containsKey(name)) {
        differences.add(name + " | operation not in the vendor's document");
      }
    }
    return differences;
  }

  private static void compare(String name, Shape their, Shape our, Set<String> differences) {
    for (Map.Entry<String, Set<String>> field : their.fields().entrySet()) {
      String path = field.getKey();
      if (!our.holds(path)) {
        if (!our.holds(parent(path)) || parent(path).isEmpty()) {
          differences.add(name + " | field `" + path + "` missing");
        }
        continue;
      }
      Set<String> ourTypes = our.fields().get(path);
      if (ourTypes != null
          && !field.getValue().isEmpty()
          && !ourTypes.isEmpty()
          && !compatible(field.getValue(), ourTypes)) {
        differences.add(
            name + " | field `" + path + "` is " + ourTypes + ", vendor " + field.getValue());
      }
    }
    for (String path : our.fields().keySet()) {
      if (!their.holds(path) && (their.holds(parent(path)) || parent(path).isEmpty())) {
        differences.add(name + " | field `" + path + "` not in the vendor's document");
      }
    }
  }

  private static boolean compatible(Set<String> theirs, Set<String> ours) {
    for (String type : ours) {
      boolean numeric = type.equals("integer") && theirs.contains("number");
      if (!theirs.contains(type) && !numeric) {
        return false;
      }
    }
    return true;
  }

  private static String parent(String path) {
    int dot = Math.max(path.lastIndexOf('.'), path.lastIndexOf("[]"));
    return dot < 0 ? "" : path.substring(0, dot);
  }

  private static Map<String, Operation> operations(JsonNode document, Predicate<JsonNode> keep) {
    Map<String, Operation> operations = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<Map.Entry<String, JsonNode>> verbs = path.getValue().fields();
          verbs.hasNext(); ) {
        Map.Entry<String, JsonNode> verb = verbs.next();
        JsonNode operation = verb.getValue();
        if (!operation.has("responses") || !keep.test(operation)) {
          continue;
        }
        Set<String> parameters = new LinkedHashSet<>();
        for (JsonNode parameter : operation.path("parameters")) {
          JsonNode resolved = resolve(document, parameter);
          if (!resolved.path("in").asText().equals("header")) {
            parameters.add(resolved.path("in").asText() + ":" + resolved.path("name").asText());
          }
        }
        Map<String, Shape> bodies = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> responses = operation.get("responses").fields();
            responses.hasNext(); ) {
          Map.Entry<String, JsonNode> response = responses.next();
          if (!response.getKey().startsWith("2")) {
            continue;
          }
          Shape shape = new Shape(new LinkedHashMap<>(), new LinkedHashSet<>());
          JsonNode content = resolve(document, response.getValue()).path("content");
          JsonNode media =
              content.has("application/json")
                  ? content.get("application/json")
                  : content.elements().hasNext() ? content.elements().next() : null;
          if (media != null) {
            collect(document, media.path("schema"), "", shape, 0);
          }
          bodies.put(response.getKey(), shape);
        }
        operations.put(
            verb.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(),
            new Operation(parameters, bodies));
      }
    }
    return operations;
  }

  private static void collect(
      JsonNode document, JsonNode schema, String path, Shape shape, int depth) {
    JsonNode resolved = resolve(document, schema);
    if (depth > DEPTH || resolved.isMissingNode()) {
      return;
    }
    List<JsonNode> alternatives = new ArrayList<>();
    for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
      resolved.path(combinator).forEach(alternatives::add);
    }
    if (!path.isEmpty()) {
      shape.fields().computeIfAbsent(path, p -> new TreeSet<>()).addAll(types(document, resolved));
    }
    for (JsonNode alternative : alternatives) {
      collect(document, alternative, path, shape, depth + 1);
    }
    boolean structured = !alternatives.isEmpty();
    for (Iterator<Map.Entry<String, JsonNode>> properties = resolved.path("properties").fields();
        properties.hasNext(); ) {
      Map.Entry<String, JsonNode> property = properties.next();
      String child = path.isEmpty() ? property.getKey() : path + "." + property.getKey();
      collect(document, property.getValue(), child, shape, depth + 1);
      structured = true;
    }
    if (resolved.has("items")) {
      collect(document, resolved.get("items"), path + "[]", shape, depth + 1);
      structured = true;
    }
    if (resolved.path("additionalProperties").isObject()) {
      shape.free().add(path);
      structured = true;
    }
    Set<String> own = types(document, resolved);
    boolean scalar =
        resolved.has("enum")
            || resolved.has("const")
            || (!own.isEmpty() && !own.contains("object") && !own.contains("array"));
    if (!structured && !scalar && !onlyNull(resolved)) {
      shape.free().add(path);
    }
  }

  private static boolean onlyNull(JsonNode schema) {
    return schema.path("type").asText().equals("null");
  }

  /** The JSON types a schema allows, {@code null} aside; empty when it does not say. */
  private static Set<String> types(JsonNode document, JsonNode schema) {
    Set<String> types = new TreeSet<>();
    JsonNode type = schema.path("type");
    if (type.isTextual()) {
      types.add(type.asText());
    }
    type.forEach(each -> types.add(each.asText()));
    for (String combinator : List.of("oneOf", "anyOf")) {
      for (JsonNode alternative : schema.path(combinator)) {
        types.addAll(types(document, resolve(document, alternative)));
      }
    }
    types.remove("null");
    return types;
  }

  private static JsonNode resolve(JsonNode document, JsonNode node) {
    JsonNode current = node;
    for (int hops = 0; current.has("$ref") && hops < 20; hops++) {
      String reference = current.get("$ref").asText();
      if (!reference.startsWith("#")) {
        return current;
      }
      current = document.at(reference.substring(1));
    }
    return current;
  }
}
