package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.standalone.TestingParley.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Input an attacker would send, each case one that once answered 500, closed the connection or
 * broke other tenants' requests: NUL characters, out-of-range times, paths the gateway cannot
 * decode, errors that echo huge values, and records large enough to overflow a page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputRestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestingParley parley;
  private String key;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    key = parley.key("hostile", "*");
  }

  @Test
  void aNulCharacterIsRefusedInTheDialectsShapeNamingTheField() {
    Response inkeep =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            "{\"id\": \"nul-1\", \"type\": \"openai\","
                + " \"messages\": [{\"role\": \"user\", \"content\": \"a\\u0000b\"}]}");
    assertThat(inkeep.status()).isEqualTo(400);
    assertThat(inkeep.json().get("detail").asText())
        .isEqualTo("messages[0].content: must not contain the NUL character (\\u0000)");

    Response ticket =
        parley.send(
            "POST",
            "/posthog/api/projects/@current/conversations/tickets/",
            key,
            "{\"distinct_id\": \"d\\u0000\"}");
    assertThat(ticket.status()).isEqualTo(400);
    assertThat(ticket.json())
        .isEqualTo(
            json(
                """
                {"type": "validation_error", "code": "invalid_input",
                 "detail": "must not contain the NUL character (\\\\u0000)",
                 "attr": "distinct_id"}
                """));

    Response gitbook =
        parley.send(
            "POST",
            "/gitbook/v1/orgs/hostile/conversations",
            key,
            "{\"id\": \"nul-2\", \"metadata\": {\"attributes\": {\"k\\u0000\": \"v\"}},"
                + " \"parts\": []}");
    assertThat(gitbook.status()).isEqualTo(400);
    assertThat(gitbook.json().at("/error/message").asText()).contains("NUL character");

    Response properties =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            "{\"id\": \"nul-3\", \"type\": \"openai\", \"properties\": {\"a\": [\"\\u0000\"]},"
                + " \"messages\": []}");
    assertThat(properties.status()).isEqualTo(400);
    assertThat(properties.json().get("detail").asText()).startsWith("properties.a[0]: ");

    // Nothing was stored.
    for (String id : List.of("nul-1", "nul-2", "nul-3")) {
      assertThat(parley.send("GET", "/inkeep/conversations/" + id, key, null).status())
          .isEqualTo(404);
    }
  }

  @Test
  void alliTimeFiltersOutOfRangeAre400() {
    for (String value : List.of("99999999999999999999", "1e300", "-5")) {
      Response response =
          parley.send(
              "GET",
              "/alli/webapi/v2/conversations?startedAt=" + value,
              null,
              null,
              "API-KEY",
              key);
      assertThat(response.status()).as(value).isEqualTo(400);
      assertThat(response.json())
          .isEqualTo(
              json(
                  """
                  {"result": [], "errors":
                   "startedAt: must be an epoch time in milliseconds, up to the year 9999"}
                  """));
    }
  }

  @Test
  void requestsTheGatewayCannotDecodeGet400InTheDialectsShape() throws IOException {
    Map<String, String> paths =
        Map.of(
            "/inkeep/conversations/a%00b", "$.detail",
            "/inkeep/conversations/a%0d%0ab", "$.detail",
            "/bedrock/conversation/%2e%2e%2fsecret", "$.errors[0]",
            "/alli/webapi/v2/conversations/../conversations", "$.errors",
            "/gitbook/v1/orgs/hostile/conversations?limit=%00", "$.error.message",
            "/posthog/api/environments/@current/conversations/a%00/", "$.detail");
    for (Map.Entry<String, String> path : paths.entrySet()) {
      RawResponse response = raw("GET " + path.getKey() + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(response.status()).as(path.getKey()).isEqualTo(400);
      assertThat(response.json().at(pointer(path.getValue())).asText())
          .as(path.getKey())
          .startsWith("Invalid request");
    }
    RawResponse header =
        raw("GET /alli/webapi/v2/conversations HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n");
    assertThat(header.status()).isEqualTo(400);
    assertThat(header.json().get("result")).isEmpty();

    String longId = "a".repeat(40_000);
    RawResponse line =
        raw(
            "GET /gitbook/v1/orgs/hostile/conversations/"
                + longId
                + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(line.status()).isEqualTo(414);
    assertThat(line.json())
        .isEqualTo(
            json(
                "{\"error\": {\"code\": 414, \"message\": \"The request line is longer than the limit\"}}"));
    RawResponse headers =
        raw("GET /bedrock/conversations HTTP/1.1\r\nHost: x\r\nX-A: " + longId + "\r\n\r\n");
    assertThat(headers.status()).isEqualTo(431);
    assertThat(headers.json())
        .isEqualTo(json("{\"errors\": [\"The request headers are larger than the limit\"]}"));

    // A 10 KB id reaches the service and is answered like any id that does not exist.
    Response tenKb = parley.send("GET", "/inkeep/conversations/" + "b".repeat(10_000), key, null);
    assertThat(tenKb.status()).isEqualTo(404);
    assertThat(tenKb.json().get("detail").asText()).hasSizeLessThan(600);

    // A 20 KB id in a PostHog path with its trailing slash, split across reads or not, is found
    // missing as well (the gateway's replay of the path without the slash is HTTP/2, whose header
    // list holds the path: it had refused it, and the caller got a 500).
    for (String method : new String[] {"GET", "PATCH"}) {
      Response slashed =
          parley.send(
              method,
              "/posthog/api/environments/@current/conversations/"
                  + (method.equals("GET") ? "c".repeat(20_000) : "conv/queue/" + "q".repeat(20_000))
                  + "/",
              key,
              method.equals("GET") ? null : "{\"content\": \"x\"}");
      assertThat(slashed.status()).as(method).isEqualTo(404);
      assertThat(slashed.body()).hasSizeLessThan(1_000);
    }
  }

  @Test
  void aSemicolonIsPartOfTheIdAndNeverDropped() {
    log("semi");
    Response deleted = parley.send("DELETE", "/inkeep/conversations/semi;x", key, null);
    assertThat(deleted.status()).isEqualTo(404);
    assertThat(deleted.json().get("detail").asText()).isEqualTo("Conversation semi;x not found");
    assertThat(parley.send("GET", "/inkeep/conversations/semi", key, null).status()).isEqualTo(200);
  }

  @Test
  void errorsEchoingHugeValuesAre400AndOtherTenantsRequestsGoOn() throws Exception {
    String victim = parley.key("hostile-victim", "*");
    parley.send(
        "POST",
        "/inkeep/conversations",
        victim,
        "{\"id\": \"v-1\", \"type\": \"openai\","
            + " \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}");
    Response ticket =
        parley.send(
            "POST",
            "/posthog/api/projects/@current/conversations/tickets/",
            key,
            "{\"distinct_id\": \"echo\"}");
    assertThat(ticket.status()).isEqualTo(201);
    String ticketId = ticket.json().get("id").asText();
    List<String[]> attacks =
        List.of(
            new String[] {
              "POST",
              "/inkeep/query/conversations",
              "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \""
                  + "x".repeat(3_000)
                  + "\", \"field\": \"id\"}]}"
            },
            new String[] {
              "POST",
              "/inkeep/feedback",
              "{\"type\": \"positive\", \"messageId\": \"" + "m".repeat(100_000) + "\"}"
            },
            new String[] {
              "PATCH",
              "/posthog/api/projects/@current/conversations/tickets/" + ticketId + "/",
              "{\"status\": \"" + "s".repeat(100_000) + "\"}"
            });
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> attackerAnswers = new ArrayList<>();
      List<Future<Integer>> victimAnswers = new ArrayList<>();
      for (int round = 0; round < 10; round++) {
        for (String[] attack : attacks) {
          attackerAnswers.add(
              pool.submit(() -> parley.send(attack[0], attack[1], key, attack[2]).status()));
          victimAnswers.add(
              pool.submit(
                  () -> parley.send("GET", "/inkeep/conversations/v-1", victim, null).status()));
        }
      }
      for (Future<Integer> answer : attackerAnswers) {
        assertThat(answer.get()).isEqualTo(400);
      }
      for (Future<Integer> answer : victimAnswers) {
        assertThat(answer.get()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    Response after =
        parley.send(
            "GET",
            "/posthog/api/projects/@current/conversations/tickets/" + ticketId + "/",
            key,
            null);
    assertThat(after.json().get("status").asText()).isEqualTo("new");
  }

  @Test
  void pagesOfLargeRecordsEndEarlyAndTheirCursorsContinue() throws Exception {
    String big = parley.key("hostile-big", "*");
    int conversations = 4;
    for (int i = 0; i < conversations; i++) {
      ObjectNode body = JSON.createObjectNode().put("id", "big-" + i).put("type", "openai");
      body.putArray("messages")
          .addObject()
          .put("role", "user")
          .put("content", Character.toString('a' + i).repeat(1_500_000));
      assertThat(parley.send("POST", "/inkeep/conversations", big, body.toString()).status())
          .isEqualTo(200);
      ObjectNode ticket = JSON.createObjectNode().put("distinct_id", "big-" + i);
      ticket.putObject("anonymous_traits").put("blob", "t".repeat(1_500_000));
      assertThat(
              parley
                  .send(
                      "POST",
                      "/posthog/api/projects/@current/conversations/tickets/",
                      big,
                      ticket.toString())
                  .status())
          .isEqualTo(201);
    }

    // Inkeep: offset paging; a page holds fewer than asked, the next offset continues.
    Set<String> inkeep = new HashSet<>();
    for (int offset = 0; offset < conversations; ) {
      Response page =
          parley.send("GET", "/inkeep/conversations?limit=50&offset=" + offset, big, null);
      assertThat(page.status()).isEqualTo(200);
      JsonNode body = page.json();
      assertThat(body.get("total").asInt()).isEqualTo(conversations);
      assertThat(body.get("count").asInt()).isBetween(1, conversations - 1);
      body.get("conversations").forEach(item -> inkeep.add(item.get("id").asText()));
      offset += body.get("count").asInt();
    }
    assertThat(inkeep).hasSize(conversations);

    // Alli: cursor paging.
    Set<String> alli = new HashSet<>();
    String cursor = null;
    int pages = 0;
    do {
      Response page =
          parley.send(
              "GET",
              "/alli/webapi/v2/conversations" + (cursor == null ? "" : "?cursor=" + cursor),
              null,
              null,
              "API-KEY",
              big);
      assertThat(page.status())
          .as(page.body().substring(0, Math.min(300, page.body().length())))
          .isEqualTo(200);
      page.json().get("conversations").forEach(item -> alli.add(item.get("id").asText()));
      JsonNode next = page.json().get("cursor");
      cursor = next == null || next.isNull() || next.asText().isEmpty() ? null : next.asText();
      pages++;
    } while (cursor != null && pages < 10);
    assertThat(alli).hasSize(conversations);
    assertThat(pages).isGreaterThan(1);

    // PostHog tickets: the next link starts after what the page holds.
    Set<String> tickets = new HashSet<>();
    String next = "/posthog/api/projects/@current/conversations/tickets/?limit=100";
    pages = 0;
    while (next != null && pages < 10) {
      Response page = parley.send("GET", next, big, null);
      assertThat(page.status()).isEqualTo(200);
      page.json().get("results").forEach(item -> tickets.add(item.get("id").asText()));
      JsonNode link = page.json().get("next");
      next = link.isNull() ? null : link.asText().substring(parley.baseUrl().length());
      pages++;
    }
    assertThat(tickets).hasSize(conversations);
    assertThat(pages).isGreaterThan(1);
  }

  private void log(String id) {
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    "{\"id\": \""
                        + id
                        + "\", \"type\": \"openai\","
                        + " \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")
                .status())
        .isEqualTo(200);
  }

  private static String pointer(String path) {
    return path.substring(1).replace('.', '/').replace("[", "/").replace("]", "");
  }

  record RawResponse(int status, String body) {
    JsonNode json() {
      return TestingParley.json(body);
    }
  }

  /** Sends bytes as they are (no client would send them) and reads the whole answer. */
  private RawResponse raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", parley.suite().gatewayPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      int read;
      int headerEnd = -1;
      int length = -1;
      while ((read = in.read(buffer)) > 0) {
        answer.write(buffer, 0, read);
        String text = answer.toString(StandardCharsets.UTF_8);
        if (headerEnd < 0 && (headerEnd = text.indexOf("\r\n\r\n")) >= 0) {
          for (String line : text.substring(0, headerEnd).split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).strip());
            }
          }
        }
        if (headerEnd >= 0 && length >= 0 && answer.size() >= headerEnd + 4 + length) {
          break;
        }
      }
      String text = answer.toString(StandardCharsets.UTF_8);
      assertThat(text)
          .as("an answer to " + request.lines().findFirst().orElse(""))
          .startsWith("HTTP/1.1 ");
      int status = Integer.parseInt(text.substring(9, 12));
      return new RawResponse(status, text.substring(text.indexOf("\r\n\r\n") + 4));
    }
  }
}
