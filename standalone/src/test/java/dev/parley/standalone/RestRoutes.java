package dev.parley.standalone;

import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import dev.parley.platform.proto.HttpRules;
import dev.parley.platform.proto.ServiceCatalog;
import dev.parley.platform.proto.ServiceCatalog.RoutedService;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every REST route of every dialect, read from the contracts' {@code google.api.http} rules (and
 * their additional bindings), so that tests generated from this list cover a new route without new
 * code.
 */
final class RestRoutes {
  private static final Pattern VARIABLE = Pattern.compile("\\{([a-z_.]+)(=[^}]*)?}");

  private RestRoutes() {}

  /** One route: an HTTP method and path template bound to a gRPC method. */
  record Route(String httpMethod, String template, String body, MethodDescriptor method) {
    /** The path variables, in order (field paths such as {@code project_id}). */
    List<String> variables() {
      List<String> names = new ArrayList<>();
      Matcher matcher = VARIABLE.matcher(template);
      while (matcher.find()) {
        names.add(matcher.group(1));
      }
      return names;
    }

    /**
     * The path with each variable replaced by the value the function gives for it, named with the
     * path segment before it ({@code tickets/id}, {@code conversations/conversation_id}).
     */
    String path(java.util.function.Function<String, String> value) {
      Matcher matcher = VARIABLE.matcher(template);
      StringBuilder path = new StringBuilder();
      while (matcher.find()) {
        String before = template.substring(0, matcher.start());
        String segment = before.substring(before.lastIndexOf('/', before.length() - 2) + 1);
        matcher.appendReplacement(
            path, Matcher.quoteReplacement(value.apply(segment + matcher.group(1))));
      }
      matcher.appendTail(path);
      return path.toString();
    }

    /** The message the body fills: the request, one of its fields, or none. */
    Descriptor bodyType() {
      if (body.isEmpty()) {
        return null;
      }
      if (body.equals("*")) {
        return method.getInputType();
      }
      FieldDescriptor field = method.getInputType().findFieldByName(body);
      return field != null && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          ? field.getMessageType()
          : null;
    }

    /** The body's fields a caller may set: those the path does not set (the path wins). */
    List<FieldDescriptor> bodyFields() {
      Descriptor type = bodyType();
      if (type == null) {
        return List.of();
      }
      List<String> bound = body.equals("*") ? variables() : List.of();
      return type.getFields().stream().filter(field -> !bound.contains(field.getName())).toList();
    }

    /** Request fields that are neither in the path nor in the body: the query parameters. */
    List<FieldDescriptor> queryFields() {
      if (body.equals("*")) {
        return List.of();
      }
      List<String> bound = variables();
      List<FieldDescriptor> fields = new ArrayList<>();
      for (FieldDescriptor field : method.getInputType().getFields()) {
        if (!bound.contains(field.getName())
            && !field.getName().equals(body)
            && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          fields.add(field);
        }
      }
      return fields;
    }

    @Override
    public String toString() {
      return httpMethod + " " + template;
    }
  }

  /** Every REST route: the dialects' and Parley's own (/parley/). */
  static List<Route> dialectRoutes() {
    return all().stream()
        .filter(
            route ->
                List.of("/inkeep/", "/gitbook/", "/bedrock/", "/alli/", "/posthog/", "/parley/")
                    .stream()
                    .anyMatch(route.template()::startsWith))
        .toList();
  }

  static List<Route> all() {
    Map<String, Route> routes = new LinkedHashMap<>();
    for (RoutedService service : ServiceCatalog.services()) {
      ServiceDescriptor descriptor =
          ((ProtoServiceDescriptorSupplier) service.descriptor().getSchemaDescriptor())
              .getServiceDescriptor();
      for (MethodDescriptor method : descriptor.getMethods()) {
        if (!method.getOptions().hasExtension(AnnotationsProto.http)) {
          continue;
        }
        HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
        List<HttpRule> rules = new ArrayList<>(List.of(rule));
        rules.addAll(rule.getAdditionalBindingsList());
        for (HttpRule binding : rules) {
          Route route =
              route(
                  binding,
                  binding.getBody().isEmpty() ? rule.getBody() : binding.getBody(),
                  method);
          routes.putIfAbsent(route.toString(), route);
        }
      }
    }
    return List.copyOf(routes.values());
  }

  private static Route route(HttpRule rule, String body, MethodDescriptor method) {
    String verb = HttpRules.verb(rule);
    return new Route(verb, HttpRules.template(rule), verb.equals("GET") ? "" : body, method);
  }
}
