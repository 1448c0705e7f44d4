package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.platform.testing.TestingKeys;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Per-key rate limits through the gateway, on a suite of its own with a burst of 2 and 1 call a
 * second: the third quick call of a key is 429 in its dialect's shape with the rate-limit headers;
 * another key goes on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitRestTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MESSAGE =
      "Rate limit exceeded: 1 requests per second per API key (bursts of 2); retry after 1 s";
  private final HttpClient http = HttpClient.newHttpClient();
  private DatabaseConfig database;
  private Parley.Suite suite;

  @BeforeAll
  void start() {
    database = TestingDatabase.newDatabase();
    suite =
        Parley.Suite.start(
            Environment.of(
                Parley.Suite.throwAwaySettings(
                    Map.of(
                        "PARLEY_RATE_LIMIT_PER_SECOND", "1",
                        "PARLEY_RATE_LIMIT_BURST", "2",
                        "PARLEY_INTERNAL_TOKEN", ServerConfig.newInternalToken()))),
            database,
            null,
            new PrintStream(OutputStream.nullOutputStream()));
  }

  @AfterAll
  void stop() {
    suite.close();
  }

  /** The third of three quick calls with a new key. */
  private HttpResponse<String> thirdCall(String path) throws Exception {
    String key = TestingKeys.create(database, "limited", "*");
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + suite.gatewayPort() + path))
            .header("Authorization", "Bearer " + key)
            .build();
    for (int i = 0; i < 2; i++) {
      assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
          .as(path)
          .isLessThan(300);
    }
    // A slow machine may refill a token between calls: the refusal comes within a few more.
    HttpResponse<String> third = http.send(request, HttpResponse.BodyHandlers.ofString());
    for (int i = 0; i < 3 && third.statusCode() != 429; i++) {
      third = http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    assertThat(third.statusCode()).as(path).isEqualTo(429);
    assertThat(third.headers().firstValue("retry-after")).hasValue("1");
    assertThat(third.headers().firstValue("x-ratelimit-limit")).hasValue("2");
    assertThat(third.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
    assertThat(third.headers().firstValue("x-ratelimit-reset")).hasValue("2");
    return third;
  }

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void inkeepAnswersProblemJson() throws Exception {
    HttpResponse<String> refused = thirdCall("/inkeep/conversations?limit=1");
    String requestId = refused.headers().firstValue("x-request-id").orElseThrow();
    assertThat(json(refused.body()))
        .isEqualTo(
            json(
                """
                {"title": "Too Many Requests", "status": 429, "detail": "%s",
                 "instance": "/inkeep/conversations", "requestId": "%s", "code": "bad_request",
                 "error": {"code": "bad_request", "message": "%s"}}
                """
                    .formatted(MESSAGE, requestId, MESSAGE)));
  }

  @Test
  void gitBookBedrockAlliAndPostHogAnswerTheirShapes() throws Exception {
    assertThat(json(thirdCall("/gitbook/v1/orgs/limited/conversations").body()))
        .isEqualTo(json("{\"error\": {\"code\": 429, \"message\": \"" + MESSAGE + "\"}}"));
    assertThat(json(thirdCall("/bedrock/conversations").body()))
        .isEqualTo(json("{\"errors\": [\"" + MESSAGE + "\"]}"));
    assertThat(json(thirdCall("/alli/webapi/v2/conversations").body()))
        .isEqualTo(json("{\"result\": [], \"errors\": \"" + MESSAGE + "\"}"));
    assertThat(json(thirdCall("/posthog/api/environments/@current/conversations/").body()))
        .isEqualTo(
            json(
                "{\"type\": \"throttled_error\", \"code\": \"throttled\", \"detail\": \""
                    + MESSAGE
                    + "\", \"attr\": null}"));
  }

  @Test
  void anotherKeyIsNotHeldBackAndTheKeyRecovers() throws Exception {
    thirdCall("/bedrock/conversations");
    String other = TestingKeys.create(database, "other-tenant", "*");
    HttpResponse<String> fresh =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + suite.gatewayPort() + "/bedrock/conversations"))
                .header("Authorization", "Bearer " + other)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fresh.statusCode()).isEqualTo(200);
  }
}
