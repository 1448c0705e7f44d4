package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.EscalateConversationRequest;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.platform.testing.TestingKeys;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Traces through a real OTLP/HTTP receiver (the collector's protocol: protobuf {@code
 * ExportTraceServiceRequest} posted to {@code /v1/traces}): a REST call continues its caller's
 * trace through the gateway into the service, a peer call stays in the trace, and the consumers'
 * work on the events it wrote links back to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingTest {
  private final List<Span> spans = new CopyOnWriteArrayList<>();
  private HttpServer collector;
  private DatabaseConfig database;
  private Parley.Suite suite;

  @BeforeAll
  void start() throws Exception {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/v1/traces",
        exchange -> {
          try (exchange) {
            ExportTraceServiceRequest request =
                ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
            for (ResourceSpans resource : request.getResourceSpansList()) {
              for (ScopeSpans scope : resource.getScopeSpansList()) {
                spans.addAll(scope.getSpansList());
              }
            }
            byte[] body = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    collector.start();
    database = TestingDatabase.newDatabase();
    suite =
        Parley.Suite.start(
            Environment.of(
                Parley.Suite.throwAwaySettings(
                    Map.of(
                        "PARLEY_OTEL_EXPORTER_OTLP_ENDPOINT",
                        "http://127.0.0.1:" + collector.getAddress().getPort(),
                        "PARLEY_INTERNAL_TOKEN",
                        ServerConfig.newInternalToken()))),
            database,
            null,
            new PrintStream(OutputStream.nullOutputStream()));
  }

  @AfterAll
  void stop() {
    suite.close();
    collector.stop(0);
  }

  private static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  /** Waits (the spans are sent in batches every second) for spans matching. */
  private List<Span> await(Predicate<Span> wanted, int count) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    List<Span> found = spans.stream().filter(wanted).toList();
    while (found.size() < count && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      found = spans.stream().filter(wanted).toList();
    }
    return found;
  }

  @Test
  void aRestCallContinuesItsCallersTraceAndTheEventsItWroteLinkToIt() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String caller = "00f067aa0ba902b7";
    String key = TestingKeys.create(database, "traced", "conversation:write");
    HttpResponse<String> logged =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:" + suite.gatewayPort() + "/inkeep/conversations"))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .header("traceparent", "00-" + trace + "-" + caller + "-01")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"id\": \"traced-1\", \"type\": \"openai\", \"messages\":"
                                + " [{\"role\": \"user\", \"content\": \"hello\"}]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(logged.statusCode()).isEqualTo(200);

    // The gateway's call to the service is a child of the caller's span, the service's span a
    // child of the gateway's.
    List<Span> client =
        await(
            span ->
                hex(span.getTraceId()).equals(trace)
                    && span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT
                    && span.getName().endsWith("/LogConversation"),
            1);
    assertThat(client).hasSize(1);
    assertThat(hex(client.getFirst().getParentSpanId())).isEqualTo(caller);
    List<Span> server =
        await(
            span ->
                hex(span.getTraceId()).equals(trace)
                    && span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                    && span.getName().endsWith("/LogConversation"),
            1);
    assertThat(server).hasSize(1);
    assertThat(server.getFirst().getParentSpanId()).isEqualTo(client.getFirst().getSpanId());

    // analytics-service (and ticket-service) apply the conversation's event in a span linked to
    // the service's span that wrote it.
    List<Span> applied =
        await(
            span ->
                span.getKind() == Span.SpanKind.SPAN_KIND_CONSUMER
                    && span.getLinksList().stream()
                        .anyMatch(
                            link ->
                                hex(link.getTraceId()).equals(trace)
                                    && link.getSpanId().equals(server.getFirst().getSpanId())),
            1);
    assertThat(applied).isNotEmpty();
    assertThat(applied.getFirst().getName()).isEqualTo("apply conversation events");
    assertThat(hex(applied.getFirst().getTraceId())).isNotEqualTo(trace);
  }

  @Test
  void aPeerCallStaysInTheCallersTrace() throws Exception {
    String trace = "0af7651916cd43dd8448eb211c80319c";
    String key = TestingKeys.create(database, "traced-peer", "conversation:write,ticket:write");
    assertThat(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:"
                                    + suite.gatewayPort()
                                    + "/inkeep/conversations"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(
                            HttpRequest.BodyPublishers.ofString(
                                "{\"id\": \"escalated-1\", \"type\": \"openai\", \"messages\":"
                                    + " [{\"role\": \"user\", \"content\": \"help\"}]}"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
    headers.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + trace + "-b7ad6b7169203331-01");
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", suite.gatewayPort()).usePlaintext().build();
    try {
      ConversationServiceGrpc.newBlockingStub(channel)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
          .escalateConversation(
              EscalateConversationRequest.newBuilder()
                  .setConversationId("escalated-1")
                  .setEscalationReason("traced")
                  .build());
    } finally {
      channel.shutdownNow();
    }
    // conversation-service's span, and under it its call to ticket-service and that call served.
    List<Span> ticket =
        await(
            span ->
                hex(span.getTraceId()).equals(trace)
                    && span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
                    && span.getName().equals("parley.ticket.v1.TicketService/CreateTicket"),
            1);
    assertThat(ticket).hasSize(1);
    Span peerClient =
        spans.stream()
            .filter(span -> span.getSpanId().equals(ticket.getFirst().getParentSpanId()))
            .findFirst()
            .orElseThrow();
    assertThat(peerClient.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    Span escalation =
        spans.stream()
            .filter(span -> span.getSpanId().equals(peerClient.getParentSpanId()))
            .findFirst()
            .orElseThrow();
    assertThat(escalation.getName())
        .isEqualTo("parley.conversation.v1.ConversationService/EscalateConversation");
    assertThat(escalation.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
  }
}
