package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.parley.platform.identity.ApiKeyAuthenticator;
import dev.parley.platform.ops.Tracing;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's gRPC server: its business services behind the ordered interceptors (trace, metrics,
 * request id and logging, then authentication and tenant, the key's rate limit, then the declared
 * success status, the bound on answer sizes, exception mapping, and innermost the check of the
 * request's text), plus the health service and server reflection. Message and metadata sizes are
 * {@link MessageLimits}'. Calls run on a bounded executor sized from the configuration, since they
 * block on JDBC.
 *
 * <p>The same services, behind the same interceptors and on the same executor, are also served
 * in-process under {@link #inProcessTarget()}: when the gateway and the services run in one JVM
 * ({@code parley up}), their calls skip HTTP/2 framing and protobuf encoding (see {@link
 * ServiceChannels}).
 */
public final class GrpcServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GrpcServer.class);

  private final String name;
  private final ServerConfig config;
  private final List<BindableService> services;
  private final ApiKeyAuthenticator authenticator;
  private final MeterRegistry meters;
  private final Tracing tracing;
  private final HealthStatusManager health = new HealthStatusManager();
  private ExecutorService executor;
  private Server server;
  private Server inProcess;

  public GrpcServer(
      String name,
      ServerConfig config,
      List<BindableService> services,
      ApiKeyAuthenticator authenticator,
      MeterRegistry meters,
      Tracing tracing) {
    this.name = requireNonNull(name, "name is null");
    this.config = requireNonNull(config, "config is null");
    this.services = ImmutableList.copyOf(services);
    this.authenticator = requireNonNull(authenticator, "authenticator is null");
    this.meters = requireNonNull(meters, "meters is null");
    this.tracing = requireNonNull(tracing, "tracing is null");
  }

  public synchronized void start() {
    executor =
        Executors.newFixedThreadPool(
            config.threads(),
            new ThreadFactoryBuilder().setNameFormat(name + "-grpc-%d").setDaemon(true).build());
    List<ServerInterceptor> interceptors =
        List.of(
            // A span per call, continuing the caller's trace (off unless configured).
            tracing.serverInterceptor(),
            // grpc_server_processing_duration_seconds and the request and response counters, per
            // service, method and status code.
            new MetricCollectingServerInterceptor(meters),
            new RequestLoggingInterceptor(name),
            new AuthenticationInterceptor(authenticator, config.internalToken()),
            new RateLimitInterceptor(config.rateLimits()),
            new SuccessStatusInterceptor(),
            new ResponseSizeInterceptor(),
            new ExceptionMappingInterceptor(),
            new TextInputInterceptor());
    List<ServerServiceDefinition> definitions = new ArrayList<>();
    definitions.add(health.getHealthService().bindService());
    definitions.add(ProtoReflectionServiceV1.newInstance().bindService());
    for (BindableService service : services) {
      definitions.add(ServerInterceptors.interceptForward(service, interceptors));
    }
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()))
            .executor(executor)
            .maxInboundMessageSize(MessageLimits.REQUEST_BYTES)
            .maxInboundMetadataSize(MessageLimits.METADATA_BYTES);
    definitions.forEach(builder::addService);
    config.tls().server().ifPresent(builder::sslContext);
    try {
      server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(
          name + " cannot listen on " + config.host() + ":" + config.port(), e);
    }
    InProcessServerBuilder local =
        InProcessServerBuilder.forName(inProcessName())
            .executor(executor)
            .maxInboundMetadataSize(MessageLimits.METADATA_BYTES);
    definitions.forEach(local::addService);
    try {
      inProcess = local.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(name + " cannot serve in-process", e);
    }
    // Listening, not yet serving: its background work starts first (see ParleyService).
    setHealth(ServingStatus.NOT_SERVING);
    LOG.atInfo()
        .addKeyValue("service", name)
        .addKeyValue("port", server.getPort())
        .log("gRPC server listening");
  }

  /** Reports SERVING: the service is ready for calls. */
  public synchronized void serving() {
    setHealth(ServingStatus.SERVING);
    LOG.atInfo().addKeyValue("service", name).log("gRPC server serving");
  }

  /** Reports NOT_SERVING, so that load balancers send no new calls; calls still run. */
  public synchronized void notServing() {
    setHealth(ServingStatus.NOT_SERVING);
  }

  private void setHealth(ServingStatus status) {
    for (BindableService service : services) {
      health.setStatus(service.bindService().getServiceDescriptor().getName(), status);
    }
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
  }

  public int port() {
    return server.getPort();
  }

  /** The target of this server for a channel in the same JVM, once it listens. */
  public String inProcessTarget() {
    return ServiceChannels.IN_PROCESS_SCHEME + inProcessName();
  }

  /** Unique in the JVM: a name and the port, which no other server in it holds. */
  private String inProcessName() {
    return name + "@" + server.getPort();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Reports NOT_SERVING, lets calls in flight finish (up to 30 s), then stops. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    health.enterTerminalState();
    inProcess.shutdown();
    server.shutdown();
    try {
      if (!server.awaitTermination(30, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
      if (!inProcess.awaitTermination(5, TimeUnit.SECONDS)) {
        inProcess.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      inProcess.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdownNow();
    LOG.atInfo().addKeyValue("service", name).log("gRPC server stopped");
  }
}
