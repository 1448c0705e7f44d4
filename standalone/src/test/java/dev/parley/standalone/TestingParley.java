package dev.parley.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.testing.OpenAiCompatibleServer;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.platform.testing.TestingKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * The whole suite as {@code parley up} runs it (three services and the gateway, on free ports),
 * once per test JVM on a fresh database, with an HTTP client for the REST tests.
 */
final class TestingParley {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The services' shared secret for internal calls (event streams) in the test suite. */
  static final String INTERNAL_TOKEN = dev.parley.platform.grpc.ServerConfig.newInternalToken();

  private static TestingParley instance;

  private final Parley.Suite suite;
  private io.grpc.ManagedChannel channel;
  // HTTP/1.1, as the vendors' SDKs speak it.
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private TestingParley(Parley.Suite suite) {
    this.suite = suite;
  }

  /**
   * The OpenAI-compatible endpoint of the suite's {@code openai} provider, a local server; model
   * names route to its behaviours (see {@link #ASSISTANT_MODELS}).
   */
  static final OpenAiCompatibleServer OPENAI = OpenAiCompatibleServer.start();

  /**
   * Bedrock model names of the suite that go to the OpenAI-compatible server; every other name is
   * answered by the local provider.
   */
  static final String ASSISTANT_MODELS =
      "gpt-oss-20b=openai:echo,gpt-oss-120b=openai:slow,mistral-large=openai:broken,"
          + "mistral-7b-instruct=openai:length";

  static synchronized TestingParley get() {
    if (instance == null) {
      Environment environment =
          Environment.of(
              Parley.Suite.throwAwaySettings(
                  Map.of(
                      "PARLEY_KEY_CACHE_SECONDS",
                      "1",
                      "PARLEY_INTERNAL_TOKEN",
                      INTERNAL_TOKEN,
                      "PARLEY_OPENAI_BASE_URL",
                      OPENAI.baseUrl(),
                      "PARLEY_OPENAI_TIMEOUT_SECONDS",
                      "5",
                      "PARLEY_ASSISTANT_MODELS",
                      ASSISTANT_MODELS)));
      Parley.Suite suite =
          Parley.Suite.start(
              environment,
              TestingDatabase.newDatabase(),
              null,
              new PrintStream(OutputStream.nullOutputStream()));
      Runtime.getRuntime().addShutdownHook(new Thread(suite::close));
      instance = new TestingParley(suite);
    }
    return instance;
  }

  Parley.Suite suite() {
    return suite;
  }

  DatabaseConfig database() {
    return suite.database();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + suite.gatewayPort();
  }

  /** A new key's secret. */
  String key(String tenant, String scopes) {
    return TestingKeys.create(database(), tenant, scopes);
  }

  /** A response, its body parsed when it is JSON. */
  record Response(int status, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    String body() {
      return raw.body();
    }

    JsonNode json() {
      try {
        return JSON.readTree(raw.body());
      } catch (IOException e) {
        throw new UncheckedIOException("Not JSON: " + raw.body(), e);
      }
    }
  }

  Response send(String method, String path, String key, String body, String... headers) {
    return sendBytes(
        method,
        path,
        key,
        body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "application/json",
        headers);
  }

  /** A request with a body of any type (null: none). */
  Response sendBytes(
      String method, String path, String key, byte[] body, String contentType, String... headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUrl() + path))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header("Content-Type", contentType);
    }
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The first answer that satisfies the condition, asked again every 100 ms for up to 30 s (what
   * analytics-service learns from event streams arrives a moment after the write); the latest
   * answer when none does, for the caller's assertion to show.
   */
  static <T> T eventually(
      java.util.function.Supplier<T> ask, java.util.function.Predicate<T> condition) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    T latest = ask.get();
    while (!condition.test(latest) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      latest = ask.get();
    }
    return latest;
  }

  /** The gRPC port of a service of the suite, by its name ("ticket-service"). */
  int servicePort(String name) {
    return suite.services().stream()
        .filter(service -> service.name().equals(name))
        .findFirst()
        .orElseThrow()
        .port();
  }

  /** A gRPC channel to the gateway (it serves gRPC as well as REST), shared by the tests. */
  synchronized io.grpc.Channel grpc() {
    if (channel == null) {
      io.grpc.ManagedChannel opened =
          io.grpc.ManagedChannelBuilder.forAddress("127.0.0.1", suite.gatewayPort())
              .usePlaintext()
              .build();
      Runtime.getRuntime().addShutdownHook(new Thread(opened::shutdownNow));
      channel = opened;
    }
    return channel;
  }

  /** The stub, sending this key as {@code authorization: Bearer <key>}. */
  static <S extends io.grpc.stub.AbstractStub<S>> S withKey(S stub, String key) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + key);
    return stub.withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
