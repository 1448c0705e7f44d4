package dev.parley.envoy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.AnnotationsProto;
import com.google.api.HttpRule;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.util.JsonFormat;
import dev.parley.platform.config.Setting;
import dev.parley.platform.grpc.MessageLimits;
import dev.parley.platform.proto.HttpRules;
import dev.parley.platform.proto.OpenApi;
import dev.parley.platform.proto.ServiceCatalog;
import dev.parley.platform.proto.ServiceCatalog.RoutedService;
import dev.parley.type.v1.Backend;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.lua.v3.Lua;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.ResponseMapper;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.grpc.MethodDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.yaml.snakeyaml.Yaml;

/**
 * No Envoy binary can run on our build machines, so {@code envoy.yaml} is checked here: parsed with
 * Envoy's own v3 API protos (an unknown field or type fails the parse) and compared with the
 * descriptor set and with the gateway's settings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnvoyConfigTest {
  private static final Map<Backend, String> CLUSTERS =
      Map.of(
          Backend.BACKEND_CONVERSATION, "conversation-service",
          Backend.BACKEND_TICKET, "ticket-service",
          Backend.BACKEND_ANALYTICS, "analytics-service");
  private static final Map<Backend, Setting> PORTS =
      Map.of(
          Backend.BACKEND_CONVERSATION, Setting.CONVERSATION_PORT,
          Backend.BACKEND_TICKET, Setting.TICKET_PORT,
          Backend.BACKEND_ANALYTICS, Setting.ANALYTICS_PORT);

  private Bootstrap bootstrap;
  private HttpConnectionManager connectionManager;
  private GrpcJsonTranscoder transcoder;

  @BeforeAll
  void parse() throws Exception {
    Object yaml = new Yaml().load(Files.readString(Path.of("envoy.yaml")));
    String json = new ObjectMapper().writeValueAsString(yaml);
    JsonFormat.TypeRegistry types =
        JsonFormat.TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor())
            .add(GrpcJsonTranscoder.getDescriptor())
            .add(Lua.getDescriptor())
            .add(Cors.getDescriptor())
            .add(LocalRateLimit.getDescriptor())
            .add(CorsPolicy.getDescriptor())
            .add(Router.getDescriptor())
            .add(HttpProtocolOptions.getDescriptor())
            .build();
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(types).merge(json, builder);
    bootstrap = builder.build();
    connectionManager =
        bootstrap
            .getStaticResources()
            .getListeners(0)
            .getFilterChains(0)
            .getFilters(0)
            .getTypedConfig()
            .unpack(HttpConnectionManager.class);
    transcoder =
        filter("envoy.filters.http.grpc_json_transcoder")
            .getTypedConfig()
            .unpack(GrpcJsonTranscoder.class);
  }

  @Test
  void transcodesEveryServiceThatHasRestBindings() {
    Set<String> withHttpRules = new HashSet<>();
    for (FileDescriptorProto file : ServiceCatalog.descriptorSet().getFileList()) {
      for (ServiceDescriptorProto service : file.getServiceList()) {
        for (MethodDescriptorProto method : service.getMethodList()) {
          if (method.getOptions().hasExtension(AnnotationsProto.http)) {
            withHttpRules.add(file.getPackage() + "." + service.getName());
          }
        }
      }
    }
    assertThat(withHttpRules).isNotEmpty();
    assertThat(transcoder.getServicesList()).containsAll(withHttpRules);
    assertThat(transcoder.getProtoDescriptor())
        .endsWith("/" + ServiceCatalog.DESCRIPTOR_SET.substring(1));
  }

  @Test
  void routesEveryServiceToTheClusterOfItsBackend() {
    List<Route> routes = connectionManager.getRouteConfig().getVirtualHosts(0).getRoutesList();
    for (RoutedService service : ServiceCatalog.services()) {
      String prefix = "/" + service.name() + "/";
      if (service.internal()) {
        // The event streams and parked events are never routed at the edge.
        assertThat(routes)
            .as(service.name())
            .noneMatch(candidate -> candidate.getMatch().getPrefix().equals(prefix));
        continue;
      }
      Route route =
          routes.stream()
              .filter(candidate -> candidate.getMatch().getPrefix().equals(prefix))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no route for " + service.name()));
      assertThat(route.getRoute().getCluster())
          .as(service.name())
          .isEqualTo(CLUSTERS.get(service.backend()));
      boolean streams =
          service.descriptor().getMethods().stream()
              .anyMatch(method -> method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING);
      if (streams) {
        // A stream lasts as long as its work, and a retry would start the work again.
        assertThat(route.getRoute().getTimeout().getSeconds()).as(service.name()).isZero();
        assertThat(route.getRoute().hasRetryPolicy()).as(service.name()).isFalse();
      } else {
        assertThat(route.getRoute().getTimeout().getSeconds())
            .as(service.name())
            .isEqualTo(
                Long.parseLong(Setting.REQUEST_TIMEOUT_SECONDS.defaultValue().orElseThrow()));
      }
    }
    for (String name : ServiceCatalog.services().stream().map(RoutedService::name).toList()) {
      assertThat(transcoder.getServicesList().contains(name) || hasNoRestBinding(name)).isTrue();
    }
  }

  @Test
  void answersBrowserPreflightsFirstWithTheGatewaysCorsPolicy() throws Exception {
    assertThat(connectionManager.getHttpFilters(0).getName()).isEqualTo("envoy.filters.http.cors");
    CorsPolicy policy =
        connectionManager
            .getRouteConfig()
            .getVirtualHosts(0)
            .getTypedPerFilterConfigOrThrow("envoy.filters.http.cors")
            .unpack(CorsPolicy.class);
    assertThat(policy.getAllowOriginStringMatchList()).isNotEmpty();
    assertThat(split(policy.getAllowMethods()))
        .containsExactlyElementsOf(
            dev.parley.gateway.CorsPolicy.METHODS.stream().map(Object::toString).toList());
    assertThat(split(policy.getAllowHeaders()))
        .containsExactlyElementsOf(dev.parley.gateway.CorsPolicy.ALLOWED_HEADERS);
    assertThat(split(policy.getExposeHeaders()))
        .containsExactlyElementsOf(dev.parley.gateway.CorsPolicy.EXPOSED_HEADERS);
    assertThat(policy.getMaxAge())
        .isEqualTo(Long.toString(dev.parley.gateway.CorsPolicy.MAX_AGE_SECONDS));
    assertThat(policy.getAllowCredentials().getValue()).isFalse();
  }

  private static List<String> split(String list) {
    return java.util.Arrays.stream(list.split(",")).map(String::strip).toList();
  }

  @Test
  void guardsTheEdgeWithALocalRateLimitAnsweredLikeTheServices() throws Exception {
    LocalRateLimit limit =
        filter("envoy.filters.http.local_ratelimit").getTypedConfig().unpack(LocalRateLimit.class);
    assertThat(limit.getTokenBucket().getMaxTokens()).isPositive();
    assertThat(limit.getTokenBucket().getTokensPerFill().getValue()).isPositive();
    assertThat(limit.getFilterEnforced().getDefaultValue().getNumerator()).isEqualTo(100);
    // X-RateLimit-Limit, -Remaining and -Reset, and Retry-After, as the services send them.
    assertThat(limit.getEnableXRatelimitHeaders().name()).isEqualTo("DRAFT_VERSION_03");
    assertThat(limit.getResponseHeadersToAddList())
        .anySatisfy(header -> assertThat(header.getHeader().getKey()).isEqualTo("retry-after"));
    // Its 429 is a local reply: the Lua filter, before it, renders it in the dialect's shape.
    String lua =
        filter("envoy.filters.http.lua")
            .getTypedConfig()
            .unpack(Lua.class)
            .getDefaultSourceCode()
            .getInlineString();
    assertThat(lua).contains("[429] = \"Too Many Requests\"");
  }

  @Test
  void servesNativeGrpcOnItsOwnListenerWithTheSameRoutes() throws Exception {
    assertThat(bootstrap.getStaticResources().getListenersList())
        .extracting(listener -> listener.getName())
        .containsExactly("rest", "grpc");
    var grpc = bootstrap.getStaticResources().getListeners(1);
    HttpConnectionManager manager =
        grpc.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(grpc.getAddress().getSocketAddress().getPortValue()).isNotEqualTo(8080);
    assertThat(manager.getHttpFiltersList())
        .extracting(HttpFilter::getName)
        .containsExactly("envoy.filters.http.router");
    assertThat(manager.getRouteConfig().getVirtualHosts(0).getRoutesList())
        .isEqualTo(connectionManager.getRouteConfig().getVirtualHosts(0).getRoutesList());
    assertThat(ServiceCatalog.services()).anyMatch(RoutedService::internal);
  }

  @Test
  void servesEachFrontDoorsOpenApiDocumentAsTheBuildWroteIt() throws Exception {
    List<Route> routes = connectionManager.getRouteConfig().getVirtualHosts(0).getRoutesList();
    for (OpenApi.FrontDoor door : OpenApi.FRONT_DOORS) {
      Route route =
          routes.stream()
              .filter(candidate -> candidate.getMatch().getPath().equals(door.documentPath()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no route for " + door.documentPath()));
      String methods = route.getMatch().getHeaders(0).getStringMatch().getSafeRegex().getRegex();
      assertThat(route.getMatch().getHeaders(0).getName()).isEqualTo(":method");
      assertThat(Pattern.matches(methods, "GET")).isTrue();
      assertThat(Pattern.matches(methods, "HEAD")).isTrue();
      assertThat(Pattern.matches(methods, "POST")).isFalse();
      assertThat(route.getDirectResponse().getStatus()).isEqualTo(200);
      assertThat(route.getResponseHeadersToAdd(0).getHeader().getValue())
          .isEqualTo("application/json");
      // Mounted as /etc/parley/openapi/ from target/envoy/openapi/ (docs/deploy.md).
      String file = route.getDirectResponse().getBody().getFilename();
      assertThat(file).isEqualTo("/etc/parley/openapi/" + door.name() + ".json");
      Path written = Path.of("target/envoy/openapi", door.name() + ".json");
      assertThat(Files.readString(written)).isEqualTo(OpenApi.json(door));
      assertThat(Files.size(written))
          .isLessThanOrEqualTo(
              connectionManager.getRouteConfig().getMaxDirectResponseBodySizeBytes().getValue());
      // The transcoder runs before the router: no binding may take the document's path.
      for (FileDescriptorProto proto : ServiceCatalog.descriptorSet().getFileList()) {
        for (ServiceDescriptorProto service : proto.getServiceList()) {
          for (MethodDescriptorProto method : service.getMethodList()) {
            HttpRule rule = method.getOptions().getExtension(AnnotationsProto.http);
            List<HttpRule> rules = new ArrayList<>(rule.getAdditionalBindingsList());
            rules.add(rule);
            for (HttpRule binding : rules) {
              if (binding.getPatternCase() != HttpRule.PatternCase.PATTERN_NOT_SET) {
                assertThat(door.documentPath())
                    .as(method.getName())
                    .doesNotMatch(templatePattern(HttpRules.template(binding)));
              }
            }
          }
        }
      }
    }
  }

  /** A path template as a regular expression over concrete paths. */
  private static String templatePattern(String template) {
    StringBuilder pattern = new StringBuilder();
    for (String segment : template.split("/", -1)) {
      if (!pattern.isEmpty() || !segment.isEmpty()) {
        pattern.append('/');
      }
      if (segment.equals("**") || segment.matches("\\{[^}=]+=\\*\\*}")) {
        pattern.append(".+");
      } else if (segment.equals("*") || segment.matches("\\{[^}]+}")) {
        pattern.append("[^/]+");
      } else {
        pattern.append(Pattern.quote(segment));
      }
    }
    return pattern.toString();
  }

  @Test
  void retriesOnlyCallsMadeWithAnIdempotentMethod() {
    List<Route> routes = connectionManager.getRouteConfig().getVirtualHosts(0).getRoutesList();
    List<Route> retried = routes.stream().filter(r -> r.getRoute().hasRetryPolicy()).toList();
    assertThat(retried).isNotEmpty();
    for (Route route : retried) {
      var policy = route.getRoute().getRetryPolicy();
      assertThat(policy.getRetriableRequestHeadersList())
          .as(route.getMatch().getPrefix())
          .singleElement()
          .satisfies(
              header -> {
                assertThat(header.getName()).isEqualTo("x-parley-request-method");
                Pattern methods =
                    Pattern.compile(header.getStringMatch().getSafeRegex().getRegex());
                for (String idempotent : List.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS")) {
                  assertThat(methods.matcher(idempotent).matches()).as(idempotent).isTrue();
                }
                for (String once : List.of("POST", "PATCH", "", "GETX", "XGET")) {
                  assertThat(methods.matcher(once).matches()).as(once).isFalse();
                }
              });
    }
  }

  @Test
  void servesServerSentEventsAsStreamsOfHttpBodyThatOutliveTheirKeepalives() throws Exception {
    // Every server-streaming method with a REST binding answers google.api.HttpBody chunks (the
    // transcoder passes those through as they come), is transcoded, and is routed without a
    // timeout; silence is bounded by the connection manager's stream idle timeout, which must
    // outlast PostHog's 15 s keepalive.
    int streams = 0;
    for (RoutedService service : ServiceCatalog.services()) {
      var proto =
          ((io.grpc.protobuf.ProtoServiceDescriptorSupplier)
                  service.descriptor().getSchemaDescriptor())
              .getServiceDescriptor();
      for (var method : proto.getMethods()) {
        if (!method.isServerStreaming()
            || !method.getOptions().hasExtension(AnnotationsProto.http)) {
          continue;
        }
        streams++;
        assertThat(method.getOutputType().getFullName())
            .as(method.getFullName())
            .isEqualTo("google.api.HttpBody");
        assertThat(transcoder.getServicesList()).contains(service.name());
      }
    }
    assertThat(streams).isPositive();
    assertThat(connectionManager.getStreamIdleTimeout().getSeconds()).isGreaterThan(15);
    assertThat(transcoder.getPrintOptions().getStreamNewlineDelimited()).isFalse();
  }

  @Test
  void everyClusterPointsAtItsServicesConfiguredPortOverHttp2WithHealthChecks() throws Exception {
    Map<String, Cluster> clusters =
        bootstrap.getStaticResources().getClustersList().stream()
            .collect(Collectors.toMap(Cluster::getName, cluster -> cluster));
    assertThat(clusters.keySet()).containsExactlyInAnyOrderElementsOf(CLUSTERS.values());
    for (Map.Entry<Backend, String> entry : CLUSTERS.entrySet()) {
      Cluster cluster = clusters.get(entry.getValue());
      int port =
          cluster
              .getLoadAssignment()
              .getEndpoints(0)
              .getLbEndpoints(0)
              .getEndpoint()
              .getAddress()
              .getSocketAddress()
              .getPortValue();
      assertThat(port)
          .as(cluster.getName())
          .isEqualTo(Integer.parseInt(PORTS.get(entry.getKey()).defaultValue().orElseThrow()));
      HttpProtocolOptions protocol =
          cluster
              .getTypedExtensionProtocolOptionsOrThrow(
                  "envoy.extensions.upstreams.http.v3.HttpProtocolOptions")
              .unpack(HttpProtocolOptions.class);
      assertThat(protocol.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
      assertThat(cluster.getHealthChecksList())
          .singleElement()
          .satisfies(check -> assertThat(check.hasGrpcHealthCheck()).isTrue());
    }
  }

  @Test
  void transcodingOptionsMatchTheGateway() {
    assertThat(transcoder.getConvertGrpcStatus()).isTrue();
    assertThat(transcoder.getIgnoreUnknownQueryParameters()).isTrue();
    assertThat(transcoder.getPrintOptions().getAlwaysPrintPrimitiveFields()).isTrue();
    assertThat(transcoder.getPrintOptions().getPreserveProtoFieldNames()).isFalse();
    assertThat(transcoder.getMaxRequestBodySize().getValue())
        .isEqualTo(Integer.parseInt(Setting.MAX_REQUEST_BYTES.defaultValue().orElseThrow()))
        .isGreaterThanOrEqualTo(2 * 1024 * 1024);
    assertThat(connectionManager.getAlwaysSetRequestIdInResponse()).isTrue();
    assertThat(connectionManager.getPreserveExternalRequestId()).isTrue();
  }

  @Test
  void theDialectFilterRunsBeforeTheTranscoderAndKnowsEveryMount() throws Exception {
    List<String> order =
        connectionManager.getHttpFiltersList().stream().map(HttpFilter::getName).toList();
    assertThat(order)
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.lua",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.grpc_json_transcoder",
            "envoy.filters.http.router");
    String lua =
        filter("envoy.filters.http.lua")
            .getTypedConfig()
            .unpack(Lua.class)
            .getDefaultSourceCode()
            .getInlineString();
    assertThat(lua)
        .contains("parley-http-status")
        .contains("\"/inkeep/\"")
        .contains("application/problem+json");
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void boundsRequestsAndRefusesUndecodableOnesInEachDialectsShape() {
    assertThat(connectionManager.getMaxRequestHeadersKb().getValue()).isEqualTo(32);
    assertThat(connectionManager.getNormalizePath().getValue()).isTrue();
    assertThat(connectionManager.getPathWithEscapedSlashesAction())
        .isEqualTo(HttpConnectionManager.PathWithEscapedSlashesAction.REJECT_REQUEST);
    assertThat(transcoder.getMaxResponseBodySize().getValue())
        .isEqualTo(MessageLimits.RESPONSE_BYTES);
    List<ResponseMapper> mappers = connectionManager.getLocalReplyConfig().getMappersList();
    for (String mount : List.of("/inkeep/", "/gitbook/", "/bedrock/", "/alli/", "/posthog/")) {
      ResponseMapper mapper =
          mappers.stream()
              .filter(
                  candidate ->
                      candidate.getFilter().getAndFilter().getFiltersList().stream()
                          .anyMatch(
                              filter ->
                                  filter
                                      .getHeaderFilter()
                                      .getHeader()
                                      .getStringMatch()
                                      .getPrefix()
                                      .equals(mount)))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no local reply shape for " + mount));
      assertThat(mapper.getFilter().getAndFilter().getFiltersList())
          .anySatisfy(
              filter -> assertThat(filter.getResponseFlagFilter().getFlagsList()).contains("DPE"));
      assertThat(mapper.getBodyFormatOverride().getJsonFormat().getFieldsMap()).isNotEmpty();
    }
    // Elsewhere: Envoy's own google.rpc.Status shape.
    assertThat(mappers.getLast().getFilter().getResponseFlagFilter().getFlagsList())
        .containsExactly("DPE");
  }

  private static boolean hasNoRestBinding(String serviceName) {
    return ServiceCatalog.descriptorSet().getFileList().stream()
        .flatMap(
            file ->
                file.getServiceList().stream()
                    .map(
                        service -> Map.entry(file.getPackage() + "." + service.getName(), service)))
        .filter(entry -> entry.getKey().equals(serviceName))
        .flatMap(entry -> entry.getValue().getMethodList().stream())
        .noneMatch(method -> method.getOptions().hasExtension(AnnotationsProto.http));
  }

  private HttpFilter filter(String name) {
    return connectionManager.getHttpFiltersList().stream()
        .filter(filter -> filter.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
