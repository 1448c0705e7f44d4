package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The suite's management port: liveness, readiness and metrics that move with the calls. */
class OperationsTest {
  private static final TestingParley PARLEY = TestingParley.get();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> management(String method, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PARLEY.suite().managementPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The sum of a metric's samples whose labels contain every given {@code name="value"}. */
  private static double sample(String metrics, String name, String... labels) {
    double sum = 0;
    Matcher line =
        Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE)
            .matcher(metrics);
    while (line.find()) {
      boolean all = true;
      for (String label : labels) {
        all &= line.group(1).contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.group(2));
      }
    }
    return sum;
  }

  @Test
  void answersLivenessAndReadiness() throws Exception {
    HttpResponse<String> live = management("GET", "/healthz");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"alive\"}");
    HttpResponse<String> ready = management("GET", "/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    assertThat(ready.headers().firstValue("content-type")).hasValue("application/json");
  }

  @Test
  void aCallMovesItsCountersInTheGatewayAndTheService() throws Exception {
    String key = PARLEY.key("ops-metrics", "conversation:read");
    String before = management("GET", "/metrics").body();
    for (int i = 0; i < 3; i++) {
      assertThat(PARLEY.send("GET", "/inkeep/conversations/absent-" + i, key, null).status())
          .isEqualTo(404);
    }
    HttpResponse<String> scraped = management("GET", "/metrics");
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.headers().firstValue("content-type").orElseThrow())
        .startsWith("text/plain; version=0.0.4");
    String after = scraped.body();

    String[] method = {"method=\"GetConversation\"", "statusCode=\"NOT_FOUND\""};
    assertThat(sample(after, "grpc_server_processing_duration_seconds_count", method))
        .isEqualTo(sample(before, "grpc_server_processing_duration_seconds_count", method) + 3);
    String[] route = {"http_status=\"404\"", "method=\"GetConversation\""};
    assertThat(sample(after, "parley_gateway_requests_total", route))
        .isEqualTo(sample(before, "parley_gateway_requests_total", route) + 3);
    // Latency histograms, the database pools and the JVM are there too.
    assertThat(after)
        .contains("grpc_server_processing_duration_seconds_bucket{")
        .contains("parley_gateway_total_duration_seconds_bucket{");
    assertThat(sample(after, "hikaricp_connections_max", "pool=\"conversation-service\""))
        .isPositive();
    assertThat(after).contains("jvm_memory_used_bytes{");
  }

  @Test
  void theEventStreamsReportHowFarBehindTheyApply() throws Exception {
    String key = PARLEY.key("ops-events", "conversation:write");
    double before =
        sample(management("GET", "/metrics").body(), "parley_events_delay_seconds_count");
    assertThat(
            PARLEY
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    "{\"id\": \"ops-1\", \"type\": \"openai\","
                        + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .status())
        .isEqualTo(200);
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
    String metrics = management("GET", "/metrics").body();
    while (sample(metrics, "parley_events_delay_seconds_count") <= before
        && java.time.Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
      metrics = management("GET", "/metrics").body();
    }
    assertThat(sample(metrics, "parley_events_delay_seconds_count")).isGreaterThan(before);
    assertThat(metrics).contains("parley_events_delay_seconds_bucket{");
  }

  @Test
  void refusesOtherPathsAndMethods() throws Exception {
    assertThat(management("GET", "/inkeep/conversations").statusCode()).isEqualTo(404);
    HttpResponse<String> post = management("POST", "/readyz");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
    HttpResponse<String> head = management("HEAD", "/healthz");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void theGatewayPortDoesNotServeThem() throws Exception {
    for (String path : new String[] {"/metrics", "/readyz", "/healthz"}) {
      assertThat(PARLEY.send("GET", path, null, null).status()).as(path).isEqualTo(404);
    }
  }
}
