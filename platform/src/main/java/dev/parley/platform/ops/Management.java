package dev.parley.platform.ops;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's operations surface: one Prometheus registry that every part of the process records
 * into (gRPC calls per method, REST calls per route, database pools, event streams), the process's
 * {@link Readiness}, and, once {@link #serve}d, an HTTP port for the platform that runs it:
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process runs (liveness; also during a long migration);
 *   <li>{@code GET /readyz}: 200 when every part serves and its database answers, else 503 with the
 *       reason (readiness: migrating, starting, draining, database unreachable);
 *   <li>{@code GET /metrics}: the registry in Prometheus' text format.
 * </ul>
 *
 * The port is separate from the gateway's and the gRPC servers', so the edge never exposes it.
 */
public final class Management implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Management.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final Readiness readiness = new Readiness();
  private final Tracing tracing;
  private HttpServer server;
  private ExecutorService executor;

  /** Without traces. */
  public Management() {
    this(Tracing.off());
  }

  /** With the process's traces (see {@link Tracing}), closed with it. */
  public Management(Tracing tracing) {
    this.tracing = tracing;
    JavaLogging.toSlf4j();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Latency of calls and the event streams' delay as Prometheus histograms (buckets), so that
    // percentiles can be aggregated across replicas: gRPC methods in the services, REST routes in
    // the gateway, events from their commit to their application.
    registry
        .config()
        .meterFilter(
            new MeterFilter() {
              @Override
              public DistributionStatisticConfig configure(
                  Meter.Id id, DistributionStatisticConfig config) {
                boolean calls =
                    id.getName().startsWith("grpc.server.")
                        || id.getName().startsWith("parley.gateway.")
                        || id.getName().startsWith("parley.events.");
                return calls && id.getType() == Meter.Type.TIMER
                    ? DistributionStatisticConfig.builder()
                        .percentilesHistogram(true)
                        .build()
                        .merge(config)
                    : config;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public Readiness readiness() {
    return readiness;
  }

  public Tracing tracing() {
    return tracing;
  }

  /** Serves the three endpoints on the port (0 picks a free one); returns this. */
  public synchronized Management serve(String host, int port) {
    requireNonNull(host, "host is null");
    if (server != null) {
      throw new IllegalStateException("Already serving on " + port());
    }
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("The management port cannot listen on " + port, e);
    }
    executor =
        Executors.newFixedThreadPool(
            2,
            runnable -> {
              Thread thread = new Thread(runnable, "management-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    LOG.atInfo().addKeyValue("port", port()).log("Management port serving");
    return this;
  }

  /** The port serving, or -1 when not served. */
  public synchronized int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "application/json", "{\"error\":\"method not allowed\"}");
        return;
      }
      switch (path) {
        case "/healthz" -> respond(exchange, 200, "application/json", "{\"status\":\"alive\"}");
        case "/readyz" -> {
          Optional<String> reason = readiness.notReadyBecause();
          if (reason.isEmpty()) {
            respond(exchange, 200, "application/json", "{\"status\":\"ready\"}");
          } else {
            respond(
                exchange,
                503,
                "application/json",
                "{\"status\":\"not ready\",\"reason\":\"" + jsonText(reason.get()) + "\"}");
          }
        }
        case "/metrics" -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
        default -> respond(exchange, 404, "application/json", "{\"error\":\"not found\"}");
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** The reasons are Parley's own words and names; quotes and backslashes escaped all the same. */
  private static String jsonText(String text) {
    return text.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
    readiness.close();
    registry.close();
    tracing.close();
  }
}
