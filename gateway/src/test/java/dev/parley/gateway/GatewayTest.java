package dev.parley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Value;
import dev.parley.compat.inkeep.v1.ConversationSelect;
import dev.parley.compat.inkeep.v1.DeleteConversationRequest;
import dev.parley.compat.inkeep.v1.DeleteConversationResponse;
import dev.parley.compat.inkeep.v1.GetConversationRequest;
import dev.parley.compat.inkeep.v1.InkeepConversationsServiceGrpc;
import dev.parley.compat.inkeep.v1.ListConversationsRequest;
import dev.parley.compat.inkeep.v1.ListConversationsResponse;
import dev.parley.compat.inkeep.v1.LogConversationRequest;
import dev.parley.platform.error.ErrorStatuses;
import dev.parley.platform.error.ParleyException;
import dev.parley.type.v1.Backend;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The gateway's own mechanisms in front of a hand-written fake backend: header forwarding, success
 * statuses other than 200, error bodies from rich gRPC statuses, unreachable backends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Context.Key<Metadata> HEADERS = Context.key("headers");

  private Server backend;
  private Gateway gateway;
  private Gateway gatewayWithoutBackend;
  private Gateway gatewayWithCors;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  void start() throws Exception {
    backend =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(ServerInterceptors.intercept(new FakeInkeep(), new StatusHeaders()))
            .build()
            .start();
    gateway = Gateway.start(config("127.0.0.1:" + backend.getPort()));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    gatewayWithoutBackend = Gateway.start(config("127.0.0.1:" + closedPort));
    GatewayConfig plain = config("127.0.0.1:" + backend.getPort());
    gatewayWithCors =
        Gateway.start(
            new GatewayConfig(
                plain.host(),
                plain.port(),
                plain.maxRequestBytes(),
                plain.requestTimeout(),
                plain.targets(),
                CorsPolicy.parse("https://chat.example.com, http://localhost:3000")));
  }

  @AfterAll
  void stop() {
    gateway.close();
    gatewayWithoutBackend.close();
    gatewayWithCors.close();
    backend.shutdownNow();
  }

  @Test
  void forwardsRequestHeadersAsMetadataAndAddsARequestId() throws Exception {
    HttpResponse<String> response =
        send(
            gateway,
            "GET",
            "/inkeep/conversations/echo",
            null,
            "Authorization",
            "Bearer pk_test",
            "OWN-USER-ID",
            "u-1");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("externalId").asText()).isEqualTo("Bearer pk_test");
    assertThat(body.get("projectId").asText()).isEqualTo("u-1");
    assertThat(body.get("integrationId").asText())
        .startsWith("req_")
        .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test
  void appliesTheSuccessStatusABackendAsksFor() throws Exception {
    HttpResponse<String> created =
        send(gateway, "POST", "/inkeep/conversations", "{\"id\": \"c1\", \"type\": \"openai\"}");
    HttpResponse<String> deleted = send(gateway, "DELETE", "/inkeep/conversations/c1", null);

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(JSON.readTree(created.body()).get("id").asText()).isEqualTo("c1");
    assertThat(created.headers().firstValue("parley-http-status")).isEmpty();
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
  }

  @Test
  void printsFieldsWithoutPresenceAndIntegralNumbersAsVendorsDo() throws Exception {
    HttpResponse<String> response = send(gateway, "GET", "/inkeep/conversations?limit=0", null);

    assertThat(JSON.readTree(response.body()))
        .isEqualTo(
            JSON.readTree("{\"conversations\": [], \"total\": 0, \"pageSize\": 0, \"count\": 0}"));
    JsonNode echo = JSON.readTree(send(gateway, "GET", "/inkeep/conversations/echo", null).body());
    assertThat(echo.get("properties").toString()).isEqualTo("{\"count\":3,\"ratio\":0.25}");
  }

  @Test
  void rendersRichBackendErrorsInTheDialectsShape() throws Exception {
    HttpResponse<String> response = send(gateway, "GET", "/inkeep/conversations/missing", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).contains("application/problem+json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("detail").asText()).isEqualTo("Conversation missing not found");
    assertThat(body.get("code").asText()).isEqualTo("not_found");
  }

  @Test
  void anUnexpectedBackendFailureIsA500WithoutInternals() throws Exception {
    HttpResponse<String> response = send(gateway, "GET", "/inkeep/conversations?limit=7", null);

    assertThat(response.statusCode()).isEqualTo(500);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("code").asText()).isEqualTo("internal_server_error");
    assertThat(response.body())
        .doesNotContain("IllegalStateException")
        .doesNotContain("secret detail");
  }

  @Test
  void anUnreachableBackendIsA503() throws Exception {
    HttpResponse<String> response =
        send(gatewayWithoutBackend, "GET", "/inkeep/conversations/x", null);

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(response.body()).get("code").asText())
        .isEqualTo("internal_server_error");
  }

  @Test
  void pathsOutsideEveryDialectGetEnvoysStatusShape() throws Exception {
    HttpResponse<String> response = send(gateway, "GET", "/nowhere", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(response.body()))
        .isEqualTo(JSON.readTree("{\"code\": 5, \"message\": \"No such endpoint: GET /nowhere\"}"));
  }

  @Test
  void answersBrowserPreflightsForAllowedOriginsOnEveryRoute() throws Exception {
    for (String[] route :
        new String[][] {
          {"GET", "/inkeep/conversations/echo"}, {"POST", "/inkeep/conversations"},
        }) {
      HttpResponse<String> preflight =
          send(
              gatewayWithCors,
              "OPTIONS",
              route[1],
              null,
              "Origin",
              "https://chat.example.com",
              "Access-Control-Request-Method",
              route[0],
              "Access-Control-Request-Headers",
              "authorization, content-type");

      assertThat(preflight.statusCode()).as(route[1]).isEqualTo(200);
      assertThat(preflight.headers().firstValue("access-control-allow-origin"))
          .hasValue("https://chat.example.com");
      assertThat(preflight.headers().firstValue("access-control-allow-methods").orElseThrow())
          .contains(route[0])
          .contains("PATCH")
          .contains("DELETE");
      assertThat(preflight.headers().firstValue("access-control-allow-headers").orElseThrow())
          .containsIgnoringCase("authorization");
      assertThat(preflight.headers().firstValue("access-control-max-age")).hasValue("600");
      assertThat(preflight.headers().firstValue("access-control-allow-credentials")).isEmpty();
    }
  }

  @Test
  void letsAllowedOriginsReadTheAnswerAndItsRequestId() throws Exception {
    HttpResponse<String> response =
        send(
            gatewayWithCors,
            "GET",
            "/inkeep/conversations/echo",
            null,
            "Origin",
            "http://localhost:3000",
            "Authorization",
            "Bearer pk_test");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("access-control-allow-origin"))
        .hasValue("http://localhost:3000");
    assertThat(response.headers().firstValue("access-control-expose-headers").orElseThrow())
        .contains("x-request-id")
        .contains("retry-after");
  }

  @Test
  void refusesOtherOriginsAndSendsNoCorsHeadersWhenNoneIsAllowed() throws Exception {
    HttpResponse<String> other =
        send(
            gatewayWithCors,
            "OPTIONS",
            "/inkeep/conversations",
            null,
            "Origin",
            "https://evil.example.net",
            "Access-Control-Request-Method",
            "POST");
    // Without an Access-Control-Allow-Origin the browser refuses the call it asked about.
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(other.headers().firstValue("access-control-allow-methods")).isEmpty();
    assertThat(other.statusCode()).isLessThan(500);

    HttpResponse<String> none =
        send(
            gateway,
            "GET",
            "/inkeep/conversations/echo",
            null,
            "Origin",
            "https://chat.example.com");
    assertThat(none.statusCode()).isEqualTo(200);
    assertThat(none.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void refusesCorsSettingsThatAreNotOrigins() {
    assertThat(CorsPolicy.parse(" ").origins()).isEmpty();
    assertThat(CorsPolicy.parse("*").origins()).containsExactly("*");
    for (String bad :
        new String[] {
          "chat.example.com", "https://chat.example.com/app", "*, https://a.b", "ftp://x"
        }) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> CorsPolicy.parse(bad))
          .as(bad)
          .isInstanceOf(dev.parley.platform.config.ConfigurationException.class)
          .hasMessageStartingWith("PARLEY_CORS_ALLOWED_ORIGINS");
    }
  }

  private HttpResponse<String> send(
      Gateway target, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static GatewayConfig config(String conversationTarget) {
    return new GatewayConfig(
        "127.0.0.1",
        0,
        2 * 1024 * 1024,
        Duration.ofSeconds(5),
        Map.of(
            Backend.BACKEND_CONVERSATION, conversationTarget,
            Backend.BACKEND_TICKET, "127.0.0.1:1",
            Backend.BACKEND_ANALYTICS, "127.0.0.1:1"));
  }

  /** Asks for 201 on log and 204 on delete, the way real backends will for other dialects. */
  private static final class StatusHeaders implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String method = call.getMethodDescriptor().getBareMethodName();
      ServerCall<Q, R> withStatus =
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void sendHeaders(Metadata responseHeaders) {
              String status =
                  switch (method) {
                    case "LogConversation" -> "201";
                    case "DeleteConversation" -> "204";
                    default -> null;
                  };
              if (status != null) {
                responseHeaders.put(
                    Metadata.Key.of("parley-http-status", Metadata.ASCII_STRING_MARSHALLER),
                    status);
              }
              super.sendHeaders(responseHeaders);
            }
          };
      return Contexts.interceptCall(
          Context.current().withValue(HEADERS, headers), withStatus, headers, next);
    }
  }

  private static final class FakeInkeep
      extends InkeepConversationsServiceGrpc.InkeepConversationsServiceImplBase {
    @Override
    public void logConversation(
        LogConversationRequest request, StreamObserver<ConversationSelect> response) {
      response.onNext(ConversationSelect.newBuilder().setId(request.getId()).build());
      response.onCompleted();
    }

    @Override
    public void getConversation(
        GetConversationRequest request, StreamObserver<ConversationSelect> response) {
      if (request.getId().equals("missing")) {
        ErrorStatuses.Failure failure =
            ErrorStatuses.of(ParleyException.notFound("Conversation missing not found"), "req_x");
        response.onError(failure.status().asRuntimeException(failure.trailers()));
        return;
      }
      Metadata headers = HEADERS.get();
      response.onNext(
          ConversationSelect.newBuilder()
              .setId(request.getId())
              .setExternalId(text(headers.get(key("authorization"))))
              .setProjectId(text(headers.get(key("own-user-id"))))
              .setIntegrationId(text(headers.get(key("x-request-id"))))
              .setProperties(
                  Value.newBuilder()
                      .setStructValue(
                          com.google.protobuf.Struct.newBuilder()
                              .putFields("count", Value.newBuilder().setNumberValue(3).build())
                              .putFields("ratio", Value.newBuilder().setNumberValue(0.25).build())))
              .build());
      response.onCompleted();
    }

    @Override
    public void listConversations(
        ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
      if (request.getLimit() == 7) {
        throw new IllegalStateException("secret detail");
      }
      response.onNext(ListConversationsResponse.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void deleteConversation(
        DeleteConversationRequest request, StreamObserver<DeleteConversationResponse> response) {
      response.onNext(DeleteConversationResponse.newBuilder().setSuccess(true).build());
      response.onCompleted();
    }

    private static Metadata.Key<String> key(String name) {
      return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }

    private static Value text(String value) {
      return value == null
          ? Value.getDefaultInstance()
          : Value.newBuilder().setStringValue(value).build();
    }
  }
}
