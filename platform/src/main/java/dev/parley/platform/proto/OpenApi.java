package dev.parley.platform.proto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.common.collect.ImmutableList;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.parley.type.v1.AccessRule;
import dev.parley.type.v1.OptionsProto;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenAPI 3.1 documents of the REST front doors, generated from the contracts: every edge method's
 * {@code google.api.http} rule (and its additional bindings) under a front door's mount becomes an
 * operation with its path and query parameters, its body, its success status ({@code
 * success_http_status}), the schemas of its messages as the transcoders write them (JSON names,
 * well-known types), its security ({@code access}) and the front door's error body. Nothing is
 * written by hand, so a document cannot drift from the routes it describes.
 */
public final class OpenApi {
  /** A front door: where its routes are mounted and how its errors look. */
  public record FrontDoor(
      String name, String title, String mount, String errorMediaType, Map<String, Object> error) {
    /** Where the front door serves its document. */
    public String documentPath() {
      return mount + "/openapi.json";
    }
  }

  private static final Map<String, Object> STRING = Map.of("type", "string");
  // Keys sorted: the same contracts give the same bytes in every process (Map.of's order is not).
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** The five vendors' front doors and Parley's own REST routes, in that order. */
  public static final List<FrontDoor> FRONT_DOORS =
      ImmutableList.of(
          new FrontDoor(
              "inkeep",
              "Inkeep Analytics API (Parley)",
              "/inkeep",
              "application/problem+json",
              object(
                  Map.of(
                      "title", STRING,
                      "status", Map.of("type", "integer"),
                      "detail", STRING,
                      "instance", STRING,
                      "requestId", STRING,
                      "code", STRING,
                      "error",
                          object(Map.of("code", STRING, "message", STRING), "code", "message")),
                  "title",
                  "status",
                  "detail")),
          new FrontDoor(
              "gitbook",
              "GitBook API, conversations (Parley)",
              "/gitbook/v1",
              "application/json",
              object(
                  Map.of(
                      "error",
                      object(
                          Map.of("code", Map.of("type", "integer"), "message", STRING),
                          "code",
                          "message")),
                  "error")),
          new FrontDoor(
              "bedrock",
              "Bedrock Chat API (Parley)",
              "/bedrock",
              "application/json",
              Map.of("oneOf", List.of(bedrockErrors(), fastApiDetail()))),
          new FrontDoor(
              "alli",
              "Alli API v2, conversations (Parley)",
              "/alli/webapi/v2",
              "application/json",
              object(
                  Map.of(
                      "result",
                      Map.of("type", "array"),
                      "errors",
                      STRING,
                      "error",
                      Map.of("type", "object"),
                      "message",
                      STRING))),
          new FrontDoor(
              "posthog",
              "PostHog API, conversations and tickets (Parley)",
              "/posthog/api",
              "application/json",
              object(
                  Map.of(
                      "type", STRING,
                      "code", STRING,
                      "detail", STRING,
                      "attr", Map.of("type", List.of("string", "null"))),
                  "type",
                  "code",
                  "detail")),
          new FrontDoor(
              "parley",
              "Parley REST API",
              "/parley/v1",
              "application/json",
              object(
                  Map.of(
                      "code", Map.of("type", "integer"),
                      "message", STRING,
                      "details", Map.of("type", "array", "items", Map.of("type", "object"))),
                  "code",
                  "message")));

  private static final Pattern VARIABLE = Pattern.compile("\\{([a-zA-Z0-9_.]+)(=[^}]*)?}");

  private OpenApi() {}

  /** Upstream's handler errors: {@code {"errors": [message]}}. */
  private static Map<String, Object> bedrockErrors() {
    return object(Map.of("errors", Map.of("type", "array", "items", STRING)), "errors");
  }

  /** FastAPI's 422: {@code {"detail": [{type, loc, msg, input, ctx}]}}. */
  private static Map<String, Object> fastApiDetail() {
    Map<String, Object> item =
        object(
            Map.of(
                "type", STRING,
                "loc", Map.of("type", "array", "items", STRING),
                "msg", STRING,
                "input", Map.of(),
                "ctx", Map.of("type", "object")),
            "type",
            "loc",
            "msg");
    return object(Map.of("detail", Map.of("type", "array", "items", item)), "detail");
  }

  /** The document of one front door, as a JSON tree of maps and lists. */
  /** The document as JSON text, as both fronts serve it. */
  public static String json(FrontDoor door) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document(door));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes each front door's document to {@code <folder>/<name>.json}: the files Envoy serves (the
   * envoy module's build runs this).
   */
  public static void main(String[] args) throws IOException {
    Path folder = Files.createDirectories(Path.of(args[0]));
    for (FrontDoor door : FRONT_DOORS) {
      Files.writeString(folder.resolve(door.name() + ".json"), json(door));
    }
  }

  public static Map<String, Object> document(FrontDoor door) {
    Map<String, Map<String, Object>> paths = new TreeMap<>();
    Map<String, Object> schemas = new TreeMap<>();
    for (ServiceCatalog.RoutedService service : ServiceCatalog.edgeServices()) {
      com.google.protobuf.Descriptors.ServiceDescriptor proto =
          ((ProtoServiceDescriptorSupplier) service.descriptor().getSchemaDescriptor())
              .getServiceDescriptor();
      for (MethodDescriptor method : proto.getMethods()) {
        HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
        List<HttpRule> rules = new ArrayList<>();
        rules.add(rule);
        rules.addAll(rule.getAdditionalBindingsList());
        for (HttpRule binding : rules) {
          HttpRule.PatternCase pattern = binding.getPatternCase();
          if (pattern == HttpRule.PatternCase.PATTERN_NOT_SET
              || pattern == HttpRule.PatternCase.CUSTOM) {
            continue; // gRPC only; OpenAPI has no custom methods (Parley's contracts use none)
          }
          String verb = HttpRules.verb(binding).toLowerCase(Locale.ROOT);
          String template = HttpRules.template(binding);
          if (!template.startsWith(door.mount() + "/")) {
            continue;
          }
          String path = template.substring(door.mount().length());
          Map<String, Object> operation = operation(method, binding, path, schemas);
          paths
              .computeIfAbsent(openApiPath(path, method.getInputType()), key -> new TreeMap<>())
              .put(verb, operation);
        }
      }
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("openapi", "3.1.0");
    document.put(
        "info",
        Map.of(
            "title",
            door.title(),
            "version",
            "v1",
            "description",
            "Generated from Parley's protobuf contracts. Differences from the vendor's own API"
                + " are listed in docs/dialects/."));
    document.put("servers", List.of(Map.of("url", door.mount())));
    document.put("security", List.of(Map.of("bearerAuth", List.of())));
    document.put("paths", paths);
    Map<String, Object> components = new LinkedHashMap<>();
    components.put("schemas", schemas);
    components.put(
        "securitySchemes",
        Map.of(
            "bearerAuth",
            Map.of("type", "http", "scheme", "bearer", "description", "A Parley API key")));
    components.put(
        "responses",
        Map.of(
            "Error",
            Map.of(
                "description",
                "An error in the front door's own shape",
                "content",
                Map.of(door.errorMediaType(), Map.of("schema", door.error())))));
    document.put("components", components);
    return document;
  }

  private static Map<String, Object> operation(
      MethodDescriptor method, HttpRule binding, String path, Map<String, Object> schemas) {
    Descriptor input = method.getInputType();
    Set<String> pathFields = new LinkedHashSet<>();
    Matcher variables = VARIABLE.matcher(path);
    while (variables.find()) {
      pathFields.add(variables.group(1));
    }
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put("operationId", method.getService().getName() + "." + method.getName());
    operation.put("tags", List.of(method.getService().getName()));
    List<Map<String, Object>> parameters = new ArrayList<>();
    for (String name : pathFields) {
      FieldDescriptor field = input.findFieldByName(name);
      parameters.add(
          Map.of(
              "name",
              field == null ? name : field.getJsonName(),
              "in",
              "path",
              "required",
              true,
              "schema",
              field == null ? STRING : fieldSchema(field, schemas)));
    }
    String body = binding.getBody();
    for (FieldDescriptor field : input.getFields()) {
      boolean queried = body.isEmpty() && !pathFields.contains(field.getName());
      if (queried && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        parameters.add(
            Map.of(
                "name",
                field.getJsonName(),
                "in",
                "query",
                "required",
                false,
                "schema",
                fieldSchema(field, schemas)));
      }
    }
    if (!parameters.isEmpty()) {
      operation.put("parameters", parameters);
    }
    if (!body.isEmpty()) {
      Map<String, Object> schema =
          body.equals("*")
              ? bodySchema(input, pathFields, schemas)
              : fieldSchema(input.findFieldByName(body), schemas);
      operation.put(
          "requestBody",
          Map.of(
              "required", true, "content", Map.of("application/json", Map.of("schema", schema))));
    }
    int success = method.getOptions().getExtension(OptionsProto.successHttpStatus);
    String status = String.valueOf(success == 0 ? 200 : success);
    Map<String, Object> responses = new LinkedHashMap<>();
    responses.put(status, successResponse(method, binding, status, schemas));
    Map<String, Object> error = Map.of("$ref", "#/components/responses/Error");
    responses.put("4XX", error);
    responses.put("5XX", error);
    operation.put("responses", responses);
    AccessRule access = method.getOptions().getExtension(OptionsProto.access);
    if (access.getSignedLink()) {
      operation.put("security", List.of());
    } else {
      List<String> scopes = new ArrayList<>(access.getAnyScopeList());
      scopes.addAll(access.getAllScopeList());
      operation.put("x-parley-scopes", scopes);
    }
    return operation;
  }

  private static Map<String, Object> successResponse(
      MethodDescriptor method, HttpRule binding, String status, Map<String, Object> schemas) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("description", status.equals("204") ? "No content" : "Success");
    if (status.equals("204")) {
      return response;
    }
    Descriptor output = method.getOutputType();
    if (method.isServerStreaming()) {
      response.put("content", Map.of("text/event-stream", Map.of("schema", STRING)));
    } else if (output.getFullName().equals("google.api.HttpBody")) {
      // The bytes the service writes: a JSON null, nothing, a file, CSV.
      response.put("content", Map.of("*/*", Map.of("schema", Map.of())));
    } else if (!binding.getResponseBody().isEmpty()) {
      FieldDescriptor field = output.findFieldByName(binding.getResponseBody());
      response.put(
          "content", Map.of("application/json", Map.of("schema", fieldSchema(field, schemas))));
    } else {
      response.put(
          "content", Map.of("application/json", Map.of("schema", messageSchema(output, schemas))));
    }
    return response;
  }

  /** The request message without the fields the path carries, inline. */
  private static Map<String, Object> bodySchema(
      Descriptor input, Set<String> pathFields, Map<String, Object> schemas) {
    if (pathFields.isEmpty()) {
      return messageSchema(input, schemas);
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    for (FieldDescriptor field : input.getFields()) {
      if (!pathFields.contains(field.getName())) {
        properties.put(field.getJsonName(), fieldSchema(field, schemas));
      }
    }
    return Map.of("type", "object", "properties", properties);
  }

  /** A message: a well-known type inline, any other a reference to its component schema. */
  private static Map<String, Object> messageSchema(
      Descriptor message, Map<String, Object> schemas) {
    Map<String, Object> known = wellKnown(message.getFullName());
    if (known != null) {
      return known;
    }
    String name = message.getFullName();
    if (!schemas.containsKey(name)) {
      schemas.put(name, Map.of()); // reserved: a message may refer to itself
      Map<String, Object> properties = new LinkedHashMap<>();
      for (FieldDescriptor field : message.getFields()) {
        properties.put(field.getJsonName(), fieldSchema(field, schemas));
      }
      schemas.put(name, Map.of("type", "object", "properties", properties));
    }
    return Map.of("$ref", "#/components/schemas/" + name);
  }

  private static Map<String, Object> fieldSchema(
      FieldDescriptor field, Map<String, Object> schemas) {
    if (field.isMapField()) {
      FieldDescriptor value = field.getMessageType().findFieldByName("value");
      return Map.of("type", "object", "additionalProperties", singleSchema(value, schemas));
    }
    Map<String, Object> single = singleSchema(field, schemas);
    return field.isRepeated() ? Map.of("type", "array", "items", single) : single;
  }

  private static Map<String, Object> singleSchema(
      FieldDescriptor field, Map<String, Object> schemas) {
    return switch (field.getType()) {
      case STRING -> STRING;
      case BYTES -> Map.of("type", "string", "contentEncoding", "base64");
      case BOOL -> Map.of("type", "boolean");
      case INT32, SINT32, SFIXED32, UINT32, FIXED32 -> Map.of("type", "integer", "format", "int32");
      case INT64, SINT64, SFIXED64, UINT64, FIXED64 -> Map.of("type", "integer", "format", "int64");
      case FLOAT, DOUBLE -> Map.of("type", "number");
      case ENUM ->
          Map.of(
              "type",
              "string",
              "enum",
              field.getEnumType().getValues().stream().map(EnumValueDescriptor::getName).toList());
      case MESSAGE, GROUP -> messageSchema(field.getMessageType(), schemas);
    };
  }

  private static Map<String, Object> wellKnown(String fullName) {
    return switch (fullName) {
      case "google.protobuf.Timestamp" -> Map.of("type", "string", "format", "date-time");
      case "google.protobuf.Duration", "google.protobuf.FieldMask" -> STRING;
      case "google.protobuf.Struct", "google.protobuf.Empty" -> Map.of("type", "object");
      case "google.protobuf.Value", "google.api.HttpBody" -> Map.of();
      case "google.protobuf.ListValue" -> Map.of("type", "array");
      case "google.protobuf.StringValue" -> Map.of("type", List.of("string", "null"));
      case "google.protobuf.BoolValue" -> Map.of("type", List.of("boolean", "null"));
      case "google.protobuf.Int32Value",
          "google.protobuf.Int64Value",
          "google.protobuf.UInt32Value",
          "google.protobuf.UInt64Value" ->
          Map.of("type", List.of("integer", "null"));
      case "google.protobuf.DoubleValue", "google.protobuf.FloatValue" ->
          Map.of("type", List.of("number", "null"));
      default -> null;
    };
  }

  /** The template with each variable named by its field's JSON name, as OpenAPI writes it. */
  private static String openApiPath(String template, Descriptor input) {
    Matcher variables = VARIABLE.matcher(template);
    StringBuilder path = new StringBuilder();
    while (variables.find()) {
      FieldDescriptor field = input.findFieldByName(variables.group(1));
      String name = field == null ? variables.group(1) : field.getJsonName();
      variables.appendReplacement(path, Matcher.quoteReplacement("{" + name + "}"));
    }
    variables.appendTail(path);
    return path.toString();
  }

  private static Map<String, Object> object(Map<String, Object> properties, String... required) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", "object");
    schema.put("properties", new TreeMap<>(properties));
    if (required.length > 0) {
      schema.put("required", List.of(required));
    }
    return schema;
  }
}
