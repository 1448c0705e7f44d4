package dev.parley.platform.ops;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.instrumentation.grpc.v1_6.GrpcTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Distributed traces (OpenTelemetry): a span for every gRPC call a service serves and every call it
 * or the gateway makes (W3C {@code traceparent} carried in the metadata), and one for every event a
 * consumer applies, linked to the write that appended it. Exported over OTLP/HTTP to {@code
 * PARLEY_OTEL_EXPORTER_OTLP_ENDPOINT}; off (no spans, no cost) when it is unset.
 */
public final class Tracing implements AutoCloseable {
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");

  private final OpenTelemetry openTelemetry;
  private final SdkTracerProvider provider;
  private final GrpcTelemetry grpc;

  private Tracing(OpenTelemetry openTelemetry, SdkTracerProvider provider) {
    this.openTelemetry = openTelemetry;
    this.provider = provider;
    this.grpc = GrpcTelemetry.create(openTelemetry);
  }

  /** No traces. */
  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop(), null);
  }

  /** Traces of the process named {@code service}, exported where the environment says. */
  public static Tracing fromEnvironment(Environment environment, String service) {
    requireNonNull(service, "service is null");
    Optional<String> endpoint = environment.find(Setting.OTEL_EXPORTER_OTLP_ENDPOINT);
    if (endpoint.isEmpty()) {
      return off();
    }
    String traces = endpoint.get().replaceAll("/+$", "") + "/v1/traces";
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), service))))
            .addSpanProcessor(
                BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder().setEndpoint(traces).build())
                    .setScheduleDelay(Duration.ofSeconds(1))
                    .build())
            .build();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(provider)
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new Tracing(sdk, provider);
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Whether spans are made and exported. */
  public boolean on() {
    return provider != null;
  }

  /**
   * The trace context a call's metadata carries (a REST caller's {@code traceparent} header, which
   * the gateway forwards as metadata): the parent of the gateway's call to the service. When on,
   * the headers are removed from the metadata, since the call's own span sends its context.
   */
  public Context parent(Metadata headers) {
    Context parent =
        openTelemetry
            .getPropagators()
            .getTextMapPropagator()
            .extract(Context.current(), headers, METADATA);
    if (on()) {
      for (String field : openTelemetry.getPropagators().getTextMapPropagator().fields()) {
        headers.discardAll(Metadata.Key.of(field, Metadata.ASCII_STRING_MARSHALLER));
      }
    }
    return parent;
  }

  private static final TextMapGetter<Metadata> METADATA =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
          return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
          return carrier == null
              ? null
              : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
      };

  public Tracer tracer() {
    return openTelemetry.getTracer("dev.parley");
  }

  /** A span per call served, continuing the caller's trace. */
  public ServerInterceptor serverInterceptor() {
    return grpc.createServerInterceptor();
  }

  /** A span per call made, its context sent along. */
  public ClientInterceptor clientInterceptor() {
    return grpc.createClientInterceptor();
  }

  /** The span context as a W3C traceparent, or empty when it is not valid (no trace). */
  public static Optional<String> traceparent(SpanContext context) {
    if (!context.isValid()) {
      return Optional.empty();
    }
    return Optional.of(
        "00-"
            + context.getTraceId()
            + "-"
            + context.getSpanId()
            + "-"
            + context.getTraceFlags().asHex());
  }

  /** The span context a W3C traceparent names, or empty when it is not one. */
  public static Optional<SpanContext> spanContext(String traceparent) {
    if (traceparent == null) {
      return Optional.empty();
    }
    Matcher matcher = TRACEPARENT.matcher(traceparent);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    SpanContext context =
        SpanContext.createFromRemoteParent(
            matcher.group(1),
            matcher.group(2),
            TraceFlags.fromHex(matcher.group(3), 0),
            TraceState.getDefault());
    return context.isValid() ? Optional.of(context) : Optional.empty();
  }

  /** Sends the spans still buffered, then stops. */
  @Override
  public void close() {
    if (provider != null) {
      provider.close();
    }
  }
}
