package dev.parley.gateway;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.metric.MeterIdPrefixFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingOptions;
import com.linecorp.armeria.server.grpc.HttpJsonTranscodingQueryParamMatchRule;
import com.linecorp.armeria.server.metric.MetricCollectingService;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.grpc.ServiceChannels;
import dev.parley.platform.ops.Management;
import dev.parley.platform.ops.Readiness;
import dev.parley.platform.ops.Tracing;
import dev.parley.platform.proto.OpenApi;
import dev.parley.platform.proto.ServiceCatalog;
import dev.parley.platform.proto.ServiceCatalog.RoutedService;
import dev.parley.type.v1.Backend;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST front for one machine: Armeria's HTTP/JSON transcoding over every Parley gRPC service
 * but the internal ones (event streams, parked events: never at the edge), each call forwarded
 * unchanged to the grpc-java backend that serves it. Configured to behave like the Envoy config in
 * {@code envoy/}: query parameters by field name and lowerCamelCase name, unknown JSON fields
 * ignored, fields without presence always printed, errors as Envoy's {@code convert_grpc_status} or
 * the dialect's own shape.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final int MAX_REQUEST_LINE = 32 * 1024;
  private static final Duration DRAIN_QUIET_PERIOD = Duration.ofMillis(500);

  /** Below what the services accept as metadata, with room for what the gateway adds. */
  private static final int MAX_HEADERS = 32 * 1024;

  /** Its part in the process's readiness. */
  static final String PART = "gateway";

  private final Server server;
  private final List<ManagedChannel> channels;
  private final Management management;

  private Gateway(Server server, List<ManagedChannel> channels, Management management) {
    this.server = server;
    this.channels = channels;
    this.management = management;
  }

  /** Starts the gateway with meters and readiness of its own, which nothing serves (tests). */
  public static Gateway start(GatewayConfig config) {
    return start(config, new Management());
  }

  /**
   * Starts the gateway; its meters go to the process's registry (requests per route, status and
   * latency: {@code parley_gateway_*}) and it reports its phases to the process's readiness.
   */
  public static Gateway start(GatewayConfig config, Management management) {
    requireNonNull(config, "config is null");
    requireNonNull(management, "management is null");
    management.readiness().set(PART, Readiness.State.STARTING);
    Map<Backend, ManagedChannel> channels = new EnumMap<>(Backend.class);
    config
        .targets()
        .forEach(
            (backend, target) -> channels.put(backend, ServiceChannels.open(target, config.tls())));
    GrpcServiceBuilder grpc =
        GrpcService.builder()
            .enableHttpJsonTranscoding(
                HttpJsonTranscodingOptions.builder()
                    .queryParamMatchRules(
                        HttpJsonTranscodingQueryParamMatchRule.ORIGINAL_FIELD,
                        HttpJsonTranscodingQueryParamMatchRule.LOWER_CAMEL_CASE,
                        HttpJsonTranscodingQueryParamMatchRule.JSON_NAME)
                    .errorHandler(DialectResponses.transcodingErrors())
                    .build())
            .jsonMarshallerFactory(JsonMarshalling::forService)
            .maxRequestMessageLength(config.maxRequestBytes())
            .useBlockingTaskExecutor(false);
    for (RoutedService service : ServiceCatalog.edgeServices()) {
      ManagedChannel channel = channels.get(service.backend());
      if (channel == null) {
        throw new IllegalStateException("No target for " + service.backend());
      }
      grpc.addService(
          UpstreamForwarder.forService(
              service.descriptor(),
              ClientInterceptors.intercept(channel, management.tracing().clientInterceptor()),
              config.requestTimeout(),
              management.tracing()));
    }
    TrailingSlashes trailingSlashes = new TrailingSlashes();
    ServerBuilder builder = Server.builder();
    for (RoutedService service : ServiceCatalog.edgeServices()) {
      BodyStreams.bind(
          builder,
          service,
          ClientInterceptors.intercept(
              channels.get(service.backend()), management.tracing().clientInterceptor()),
          management.tracing());
    }
    builder
        .http(new InetSocketAddress(config.host(), config.port()))
        .meterRegistry(management.registry())
        .maxRequestLength(config.maxRequestBytes())
        // Long ids reach the services, which refuse them in the dialect's shape; requests
        // past these limits get 414/431, also in the dialect's shape.
        .http1MaxInitialLineLength(MAX_REQUEST_LINE)
        .http1MaxHeaderSize(MAX_HEADERS)
        // HTTP/2 (h2c clients, and the gateway's own replay of a PostHog path without its
        // trailing slash) carries the path in its header list: the same bounds as HTTP/1.
        .http2MaxHeaderListSize(MAX_REQUEST_LINE + MAX_HEADERS)
        .childChannelPipelineCustomizer(pipeline -> pipeline.addFirst(RawRequestTargets.INSTANCE))
        .requestTimeout(config.requestTimeout().plusSeconds(5))
        // On stop, requests in flight finish (up to the request timeout); new ones are
        // refused once none has arrived for the quiet period.
        .gracefulShutdownTimeout(DRAIN_QUIET_PERIOD, config.requestTimeout().plusSeconds(5))
        .errorHandler(DialectResponses.serverErrors())
        .service(
            grpc.build(),
            (Function<HttpService, HttpService>)
                delegate ->
                    delegate
                        .decorate(new PdfUploads(config.maxRequestBytes()))
                        .decorate(DialectResponses::decorate)
                        .decorate(
                            MetricCollectingService.newDecorator(
                                MeterIdPrefixFunction.ofDefault("parley.gateway"))))
        .serviceUnder(TrailingSlashes.MOUNT, trailingSlashes);
    // Each front door's OpenAPI document, generated from the contracts once at start; GET and
    // HEAD only, as Envoy's direct responses (any other method is the dialect's 404 or 405).
    for (OpenApi.FrontDoor door : OpenApi.FRONT_DOORS) {
      byte[] document = OpenApi.json(door).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      builder
          .route()
          .methods(HttpMethod.GET, HttpMethod.HEAD)
          .path(door.documentPath())
          .build(
              (context, request) -> HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, document));
    }
    // Outermost: a preflight is answered before any route, for every route.
    config.cors().decorator().ifPresent(builder::decorator);
    Server server = builder.build();
    server.start().join();
    management.readiness().set(PART, Readiness.State.SERVING);
    LOG.atInfo().addKeyValue("port", server.activeLocalPort()).log("REST gateway serving");
    return new Gateway(server, ImmutableList.copyOf(channels.values()), management);
  }

  /** The gateway on its own, in front of services deployed elsewhere. */
  public static void main(String[] args) {
    Environment environment = Environment.system();
    Management management =
        new Management(Tracing.fromEnvironment(environment, "gateway"))
            .serve(
                environment.get(Setting.BIND_HOST),
                environment.getInt(Setting.MANAGEMENT_PORT, 0, 65535));
    Gateway gateway = start(GatewayConfig.fromEnvironment(environment), management);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  gateway.close();
                  management.close();
                },
                "gateway-stop"));
  }

  public int port() {
    return server.activeLocalPort();
  }

  /** Stops accepting, lets requests in flight finish, then closes the upstream channels. */
  @Override
  public void close() {
    management.readiness().set(PART, Readiness.State.DRAINING);
    server.stop().join();
    for (ManagedChannel channel : channels) {
      channel.shutdown();
      try {
        channel.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
