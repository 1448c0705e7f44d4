package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.eventually;
import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.platform.config.Environment;
import dev.parley.standalone.EventStreamReader.Frame;
import dev.parley.standalone.TestingParley.Response;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostHog AI's create/stream, cancel and queue, Alli's running and stop, through the REST gateway
 * as a browser reads them. Two Parley instances share the database: the suite's (the offline {@code
 * local} provider) and a second one whose default model is the OpenAI-compatible test server's
 * {@code slow} (a word every 100 ms), so runs last long enough to re-attach, cancel and queue; what
 * one instance starts the other reports, re-attaches to and cancels.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostHogStreamRestTest {
  private static final String TENANT = "posthog-stream";
  private static final String OTHER_TENANT = "posthog-stream-other";
  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  private static final String NOTHING_FOUND =
      "I could not find anything about this in the knowledge base, so I cannot answer it.";

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private TestingParley parley;
  private Parley.Suite second;
  private String key;
  private String otherKey;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    key = parley.key(TENANT, "conversation:read,conversation:write,ticket:read,ticket:write");
    otherKey = parley.key(OTHER_TENANT, "*");
    Map<String, String> settings = new HashMap<>(Parley.Suite.throwAwaySettings());
    settings.put("PARLEY_KEY_CACHE_SECONDS", "1");
    settings.put("PARLEY_INTERNAL_TOKEN", TestingParley.INTERNAL_TOKEN);
    settings.put("PARLEY_ASSISTANT_PROVIDER", "openai");
    settings.put("PARLEY_OPENAI_BASE_URL", TestingParley.OPENAI.baseUrl());
    settings.put("PARLEY_OPENAI_MODEL", "slow");
    settings.put("PARLEY_OPENAI_TIMEOUT_SECONDS", "25");
    second =
        Parley.Suite.start(
            Environment.of(settings),
            parley.database(),
            null,
            new PrintStream(OutputStream.nullOutputStream()));
  }

  @AfterAll
  void stop() {
    second.close();
  }

  private String secondUrl() {
    return "http://127.0.0.1:" + second.gatewayPort();
  }

  private static String conversations(String project) {
    return "/posthog/api/environments/" + project + "/conversations/";
  }

  private static String turn(String conversation, String content) {
    ObjectNode body = JSON.createObjectNode();
    if (content == null) {
      body.putNull("content");
    } else {
      body.put("content", content);
    }
    body.put("conversation", conversation).put("trace_id", UUID.randomUUID().toString());
    return body.toString();
  }

  /** A stream through the suite's gateway (local provider). */
  private EventStreamReader stream(String body) {
    return EventStreamReader.post(parley.baseUrl() + conversations(TENANT), key, body);
  }

  /** A stream through the second instance's gateway (the slow provider). */
  private EventStreamReader slowStream(String body) {
    return EventStreamReader.post(secondUrl() + conversations(TENANT), key, body);
  }

  private JsonNode retrieve(String conversation) {
    Response response = parley.send("GET", conversations(TENANT) + conversation + "/", key, null);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  private String status(String conversation) {
    return retrieve(conversation).get("status").asText();
  }

  private void awaitIdle(String conversation) {
    assertThat(eventually(() -> status(conversation), "idle"::equals)).isEqualTo("idle");
  }

  @Test
  void aNewConversationStreamsItsTurnFramedAsPostHogFramesIt() {
    String conversation = UUID.randomUUID().toString();
    String traceId = UUID.randomUUID().toString();
    List<Frame> frames;
    try (EventStreamReader stream =
        stream(
            """
            {"content": "How do refunds work?", "conversation": "%s", "trace_id": "%s",
             "ui_context": {"dashboards": []}, "billing_context": "not an object",
             "contextual_tools": {"navigate": {"page": "home"}}}
            """
                .formatted(conversation, traceId))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("content-type")).startsWith("text/event-stream");
      frames = stream.rest();
    }

    assertThat(frames).extracting(Frame::event).startsWith("conversation", "message", "status");
    JsonNode minimal = frames.get(0).json();
    assertThat(minimal)
        .isEqualTo(
            json(
                """
                {"id": "%s", "status": "in_progress", "title": null, "user": null,
                 "created_at": "%s", "updated_at": "%s", "type": "assistant",
                 "is_internal": false, "slack_thread_key": null,
                 "slack_workspace_domain": null}
                """
                    .formatted(
                        conversation,
                        minimal.get("created_at").asText(),
                        minimal.get("updated_at").asText())));
    JsonNode human = frames.get(1).json();
    assertThat(human.get("id").asText()).matches(UUID_PATTERN);
    assertThat(human)
        .isEqualTo(
            json(
                """
                {"type": "human", "content": "How do refunds work?", "id": "%s",
                 "trace_id": "%s", "ui_context": {"dashboards": []}}
                """
                    .formatted(human.get("id").asText(), traceId)));
    assertThat(frames.get(2).json()).isEqualTo(json("{\"type\": \"ack\"}"));
    // The answer as it grows (no id yet), then once stored (its id).
    List<Frame> answer = frames.subList(3, frames.size());
    assertThat(answer).isNotEmpty().allMatch(frame -> "message".equals(frame.event()));
    JsonNode stored = answer.getLast().json();
    assertThat(stored.get("id").asText()).matches(UUID_PATTERN);
    assertThat(stored)
        .isEqualTo(
            json(
                """
                {"type": "ai", "content": "%s", "id": "%s"}
                """
                    .formatted(NOTHING_FOUND, stored.get("id").asText())));
    for (Frame growing : answer.subList(0, answer.size() - 1)) {
      assertThat(growing.json().has("id")).isFalse();
      assertThat(NOTHING_FOUND).startsWith(growing.json().get("content").asText());
    }

    // Retrieve and list show the turn, the status and a title proposed after the first turn.
    JsonNode retrieved = retrieve(conversation);
    assertThat(retrieved.get("status").asText()).isEqualTo("idle");
    assertThat(retrieved.get("title").asText()).isNotBlank().hasSizeLessThanOrEqualTo(20);
    assertThat(retrieved.get("messages"))
        .isEqualTo(
            json(
                """
                [{"type": "human", "content": "How do refunds work?", "id": "%s",
                  "trace_id": "%s", "ui_context": {"dashboards": []}},
                 {"type": "ai", "content": "%s", "id": "%s"}]
                """
                    .formatted(
                        human.get("id").asText(),
                        traceId,
                        NOTHING_FOUND,
                        stored.get("id").asText())));
    JsonNode listed = parley.send("GET", conversations(TENANT) + "?limit=100", key, null).json();
    JsonNode item = null;
    for (JsonNode result : listed.get("results")) {
      if (result.get("id").asText().equals(conversation)) {
        item = result;
      }
    }
    assertThat(item).isNotNull();
    assertThat(item.get("status").asText()).isEqualTo("idle");
    assertThat(item.get("title")).isEqualTo(retrieved.get("title"));

    // A second turn on the idle conversation (the trailing slash is optional).
    try (EventStreamReader again =
        EventStreamReader.post(
            parley.baseUrl() + conversations(TENANT).replaceAll("/$", ""),
            key,
            turn(conversation, "And shipping?"))) {
      assertThat(again.status()).isEqualTo(200);
      assertThat(again.rest()).extracting(Frame::event).contains("message");
    }
    assertThat(retrieve(conversation).get("messages")).hasSize(4);
  }

  @Test
  void badTurnsAreRefusedInPostHogsBodiesAndChangeNothing() {
    String missing = UUID.randomUUID().toString();
    String trace = UUID.randomUUID().toString();
    assertRefused(
        "{\"conversation\": \"" + missing + "\", \"trace_id\": \"" + trace + "\"}",
        400,
        "{\"type\": \"validation_error\", \"code\": \"required\","
            + " \"detail\": \"This field is required.\", \"attr\": \"content\"}");
    assertRefused(
        turn(missing, "x".repeat(40_001)),
        400,
        "{\"type\": \"validation_error\", \"code\": \"max_length\", \"detail\":"
            + " \"Ensure this field has no more than 40000 characters.\", \"attr\": \"content\"}");
    assertRefused(
        "{\"content\": \"hi\", \"conversation\": \"not-a-uuid\", \"trace_id\": \"" + trace + "\"}",
        400,
        "{\"type\": \"validation_error\", \"code\": \"invalid_input\","
            + " \"detail\": \"Must be a valid UUID.\", \"attr\": \"conversation\"}");
    assertRefused(
        "{\"content\": \"hi\", \"conversation\": \"" + missing + "\"}",
        400,
        "{\"type\": \"validation_error\", \"code\": \"required\","
            + " \"detail\": \"This field is required.\", \"attr\": \"trace_id\"}");
    assertRefused(
        "{\"content\": \"hi\", \"conversation\": \""
            + missing
            + "\", \"trace_id\": \""
            + trace
            + "\", \"agent_mode\": \"telepathy\"}",
        400,
        "{\"type\": \"validation_error\", \"code\": \"invalid_input\","
            + " \"detail\": \"Invalid agent mode.\", \"attr\": \"agent_mode\"}");
    assertRefused(
        "{\"content\": \"hi\\u0000\", \"conversation\": \""
            + missing
            + "\", \"trace_id\": \""
            + trace
            + "\"}",
        400,
        null);
    assertRefused(
        turn(missing, null), 400, "{\"error\": \"Cannot stream from non-existent conversation\"}");
    assertRefused("{not json", 400, null);
    // Nothing was created by any of them.
    assertThat(parley.send("GET", conversations(TENANT) + missing + "/", key, null).status())
        .isEqualTo(404);

    // An idle conversation cannot be continued without a message.
    String idle = UUID.randomUUID().toString();
    try (EventStreamReader first = stream(turn(idle, "Hello"))) {
      first.rest();
    }
    assertRefused(
        turn(idle, null),
        400,
        "{\"type\": \"validation_error\", \"code\": \"invalid_input\","
            + " \"detail\": \"Cannot continue streaming from an idle conversation\","
            + " \"attr\": null}");
    // A conversation deleted through PostHog does not come back.
    assertThat(parley.send("DELETE", conversations(TENANT) + idle + "/", key, null).status())
        .isEqualTo(204);
    assertRefused(turn(idle, "Hello again"), 404, "{\"error\": \"Conversation does not exist\"}");
    // Another project is not the key's.
    try (EventStreamReader elsewhere =
        EventStreamReader.post(
            parley.baseUrl() + conversations(OTHER_TENANT), key, turn(idle, "Hello"))) {
      assertThat(elsewhere.status()).isEqualTo(404);
    }
  }

  private void assertRefused(String body, int status, String expected) {
    try (EventStreamReader refused = stream(body)) {
      assertThat(refused.status()).isEqualTo(status);
      JsonNode answer = refused.json();
      if (expected != null) {
        assertThat(answer).isEqualTo(json(expected));
      } else {
        assertThat(answer.get("type").asText()).isEqualTo("validation_error");
      }
    }
  }

  @Test
  void theFirstEventArrivesWhileTheRunIsStillGoing() {
    String conversation = UUID.randomUUID().toString();
    try (EventStreamReader stream = slowStream(turn(conversation, "Tell me everything"))) {
      assertThat(stream.status()).isEqualTo(200);
      Frame first = stream.next();
      assertThat(first.event()).isEqualTo("conversation");
      // The run goes on for about 30 s; the first frames are here before any answer is.
      assertThat(status(conversation)).isEqualTo("in_progress");
      Frame human = stream.next();
      Frame ack = stream.next();
      Frame growing = stream.next();
      assertThat(List.of(human.event(), ack.event(), growing.event()))
          .containsExactly("message", "status", "message");
      assertThat(growing.json().get("content").asText()).startsWith("word");
      assertThat(growing.json().has("id")).isFalse();
      assertThat(stream.firstFrameMillis()).isLessThan(30_000);
      assertThat(status(conversation)).isEqualTo("in_progress");
    } finally {
      parley.send("PATCH", conversations(TENANT) + conversation + "/cancel/", key, "{}");
      awaitIdle(conversation);
    }
  }

  @Test
  void aDroppedClientReattachesThroughAnotherInstanceAndCancelsMidStream() {
    String conversation = UUID.randomUUID().toString();
    int closedBefore = TestingParley.OPENAI.closedByClient();
    try (EventStreamReader first = slowStream(turn(conversation, "Write a long answer"))) {
      for (int i = 0; i < 5; i++) {
        assertThat(first.next()).isNotNull();
      }
    } // the connection drops; the run goes on

    // A message while it runs is refused; content null re-attaches, here through the suite's
    // conversation-service, which reads the events the second instance stores.
    assertRefused(
        turn(conversation, "Another question"),
        409,
        "{\"type\": \"invalid_request\", \"code\": \"conflict\","
            + " \"detail\": \"Cannot resume streaming with a new message\", \"attr\": null}");
    try (EventStreamReader again = stream(turn(conversation, null))) {
      assertThat(again.status()).isEqualTo(200);
      Frame minimal = again.next();
      assertThat(minimal.event()).isEqualTo("conversation");
      assertThat(minimal.json().get("status").asText()).isEqualTo("in_progress");
      Frame growing = again.next();
      assertThat(growing.event()).isEqualTo("message");
      // Everything not seen: the answer from its first word.
      assertThat(growing.json().get("content").asText()).startsWith("word word");

      Response cancelled =
          parley.send("PATCH", conversations(TENANT) + conversation + "/cancel/", key, "{}");
      assertThat(cancelled.status()).isEqualTo(204);
      assertThat(cancelled.body()).isEmpty();
      // The second instance executes the run and learns of the cancel at its next heartbeat.
      assertThat(status(conversation)).isEqualTo("canceling");
      assertThat(
              parley
                  .send("PATCH", conversations(TENANT) + conversation + "/cancel/", key, null)
                  .status())
          .isEqualTo(204);

      List<Frame> rest = again.rest(); // ends with the run
      JsonNode kept = rest.getLast().json();
      assertThat(kept.get("type").asText()).isEqualTo("ai");
      assertThat(kept.get("id").asText()).matches(UUID_PATTERN);
      assertThat(kept.get("content").asText()).startsWith("word word");
    }
    awaitIdle(conversation);
    // The provider's request was closed, and the partial answer kept.
    assertThat(eventually(TestingParley.OPENAI::closedByClient, closed -> closed > closedBefore))
        .isGreaterThan(closedBefore);
    JsonNode messages = retrieve(conversation).get("messages");
    assertThat(messages).hasSize(2);
    assertThat(messages.get(1).get("content").asText()).startsWith("word word");
    // Cancelling an idle conversation is accepted too; unknown and other tenants' are 404.
    assertThat(
            parley
                .send("PATCH", conversations(TENANT) + conversation + "/cancel/", key, "{}")
                .status())
        .isEqualTo(204);
    Response unknown =
        parley.send("PATCH", conversations(TENANT) + UUID.randomUUID() + "/cancel/", key, "{}");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("code").asText()).isEqualTo("not_found");
    assertThat(
            parley
                .send(
                    "PATCH",
                    conversations(OTHER_TENANT) + conversation + "/cancel/",
                    otherKey,
                    "{}")
                .status())
        .isEqualTo(404);
  }

  @Test
  void aQuietRunIsKeptAliveWithAnSseComment() {
    String conversation = UUID.randomUUID().toString();
    try (EventStreamReader stream = slowStream(turn(conversation, "Think first #silent"))) {
      List<String> seen = new ArrayList<>();
      Frame frame = stream.next();
      while (frame != null && frame.comment() == null) {
        seen.add(frame.event());
        frame = stream.next();
      }
      assertThat(seen).containsExactly("conversation", "message", "status");
      assertThat(frame).isNotNull();
      assertThat(frame.comment()).isEqualTo("keepalive");
      assertThat(stream.firstFrameMillis()).isLessThan(15_000);
    } finally {
      parley.send("PATCH", conversations(TENANT) + conversation + "/cancel/", key, "{}");
      awaitIdle(conversation);
    }
  }

  @Test
  void queuedMessagesWaitTheirTurnAndRunWhenTheRunEnds() {
    String conversation = UUID.randomUUID().toString();
    String queue = conversations(TENANT) + conversation + "/queue/";
    String queuedId;
    try (EventStreamReader stream = slowStream(turn(conversation, "First question"))) {
      assertThat(stream.next().event()).isEqualTo("conversation");

      Response empty = parley.send("GET", queue, key, null);
      assertThat(empty.json()).isEqualTo(json("{\"messages\": [], \"max_queue_messages\": 2}"));
      Response one =
          parley.send(
              "POST",
              queue,
              key,
              "{\"content\": \"Second question #echo\", \"agent_mode\": \"sql\","
                  + " \"billing_context\": 7}",
              "X-POSTHOG-SESSION-ID",
              "session-1");
      assertThat(one.status()).as(one.body()).isEqualTo(200);
      JsonNode item = one.json().at("/messages/0");
      queuedId = item.get("id").asText();
      assertThat(queuedId).matches(UUID_PATTERN);
      assertThat(one.json())
          .isEqualTo(
              json(
                  """
                  {"messages": [{"id": "%s", "content": "Second question #echo",
                    "created_at": "%s", "contextual_tools": null, "ui_context": null,
                    "billing_context": null, "agent_mode": "sql", "session_id": "session-1"}],
                   "max_queue_messages": 2}
                  """
                      .formatted(item.get("id").asText(), item.get("created_at").asText())));
      Response two = parley.send("POST", queue, key, "{\"content\": \"Withdrawn\"}");
      assertThat(two.json().get("messages")).hasSize(2);
      Response full = parley.send("POST", queue, key, "{\"content\": \"Third\"}");
      assertThat(full.status()).isEqualTo(409);
      assertThat(full.json())
          .isEqualTo(
              json(
                  "{\"error\": \"queue_full\","
                      + " \"detail\": \"Only two messages can be queued at a time.\"}"));
      Response blank = parley.send("POST", queue, key, "{\"content\": \"  \"}");
      assertThat(blank.status()).isEqualTo(400);
      assertThat(blank.json().get("detail").asText()).isEqualTo("This field may not be blank.");

      String withdrawn = two.json().at("/messages/1/id").asText();
      Response edited =
          parley.send("PATCH", queue + withdrawn + "/", key, "{\"content\": \"Edited\"}");
      assertThat(edited.json().at("/messages/1/content").asText()).isEqualTo("Edited");
      Response deleted = parley.send("DELETE", queue + withdrawn + "/", key, null);
      assertThat(deleted.status()).isEqualTo(200);
      assertThat(deleted.json().get("messages")).hasSize(1);
      Response gone = parley.send("DELETE", queue + withdrawn + "/", key, null);
      assertThat(gone.status()).isEqualTo(404);
      assertThat(gone.json()).isEqualTo(json("{\"detail\": \"Queue message not found.\"}"));
      // "clear" is not a queue id for PATCH: PostHog's routes answer it as one.
      assertThat(parley.send("PATCH", queue + "clear/", key, "{\"content\": \"x\"}").json())
          .isEqualTo(json("{\"detail\": \"Queue message not found.\"}"));

      // Ending the run runs the queued message as the next turn, on the same stream.
      parley.send("PATCH", conversations(TENANT) + conversation + "/cancel/", key, "{}");
      List<Frame> rest = stream.rest();
      List<String> humans = new ArrayList<>();
      for (Frame frame : rest) {
        if ("message".equals(frame.event()) && frame.json().get("type").asText().equals("human")) {
          humans.add(frame.json().get("content").asText());
        }
      }
      assertThat(humans).containsExactly("First question", "Second question #echo");
      assertThat(rest.getLast().json())
          .isEqualTo(
              json(
                  "{\"type\": \"ai\", \"content\": \"Hello from the model [1].\", \"id\": \"%s\"}"
                      .formatted(rest.getLast().json().get("id").asText())));
    }
    awaitIdle(conversation);
    JsonNode messages = retrieve(conversation).get("messages");
    assertThat(messages)
        .extracting(message -> message.get("type").asText())
        .containsExactly("human", "ai", "human", "ai");
    // The queued message became the user message of its turn, under its queue id.
    assertThat(messages.get(2).get("id").asText()).isEqualTo(queuedId);
    assertThat(messages.get(2).get("content").asText()).isEqualTo("Second question #echo");
    assertThat(parley.send("GET", queue, key, null).json().get("messages")).isEmpty();
    Response cleared = parley.send("POST", queue + "clear/", key, "{}");
    assertThat(cleared.json()).isEqualTo(json("{\"messages\": [], \"max_queue_messages\": 2}"));

    // Unknown conversations and other tenants' answer PostHog's own 404 body.
    Response unknown =
        parley.send("GET", conversations(TENANT) + UUID.randomUUID() + "/queue/", key, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json()).isEqualTo(json("{\"error\": \"Conversation not found\"}"));
    Response foreign =
        parley.send(
            "POST",
            conversations(OTHER_TENANT) + conversation + "/queue/",
            otherKey,
            "{\"content\": \"intrusion\"}");
    assertThat(foreign.status()).isEqualTo(404);
    assertThat(retrieve(conversation).get("messages")).hasSize(4);
  }

  @Test
  void aSuggestedReplyIsDraftedByTheOpenAiCompatibleProvider() {
    String tenant = "posthog-stream-suggest";
    String all = parley.key(tenant, "*");
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    all,
                    """
                    {"id": "needs-reply", "type": "openai",
                     "messages": [{"id": "q1", "role": "user", "content": "Where is it? #echo"}]}
                    """)
                .status())
        .isEqualTo(200);
    TestingParley.withKey(
            dev.parley.conversation.v1.ConversationServiceGrpc.newBlockingStub(parley.grpc()), all)
        .escalateConversation(
            dev.parley.conversation.v1.EscalateConversationRequest.newBuilder()
                .setConversationId("needs-reply")
                .build());
    int before = TestingParley.OPENAI.requests("echo");
    // Through the second instance, whose assistant is the OpenAI-compatible server.
    TestingParley.Response drafted =
        send(
            secondUrl(),
            "/posthog/api/projects/" + tenant + "/conversations/tickets/1/suggest_reply/",
            all);
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(200);
    assertThat(drafted.json()).isEqualTo(json("{\"suggestion\": \"Hello from the model [1].\"}"));
    assertThat(TestingParley.OPENAI.requests("echo")).isGreaterThan(before);
    // The draft's request: the instructions, then the ticket's thread.
    JsonNode asked =
        TestingParley.OPENAI.bodies().stream()
            .filter(body -> body.at("/messages/1/content").asText().equals("Where is it? #echo"))
            .reduce((first, second) -> second)
            .orElseThrow();
    assertThat(asked.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(asked.get("messages")).hasSize(2);
  }

  /** A POST without a body to another gateway. */
  private static TestingParley.Response send(String baseUrl, String path, String key) {
    java.net.http.HttpRequest request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + path))
            .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
            .header("Authorization", "Bearer " + key)
            .build();
    try {
      var response =
          java.net.http.HttpClient.newHttpClient()
              .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      return new TestingParley.Response(response.statusCode(), response);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void alliReportsAndStopsTheRunningGeneration() {
    String conversation = UUID.randomUUID().toString();
    String alli = "/alli/webapi/v2/conversations/" + conversation;
    try (EventStreamReader stream = slowStream(turn(conversation, "Long answer please"))) {
      assertThat(stream.next().event()).isEqualTo("conversation");
      Response running = parley.send("GET", alli + "/running", null, null, "API-KEY", key);
      assertThat(running.status()).as(running.body()).isEqualTo(200);
      assertThat(running.json()).isEqualTo(json("{\"isRunning\": true}"));
      Response foreign = parley.send("GET", alli + "/running", null, null, "API-KEY", otherKey);
      assertThat(foreign.status()).isEqualTo(404);
      assertThat(parley.send("POST", alli + "/stop", null, null, "API-KEY", otherKey).status())
          .isEqualTo(404);
      assertThat(status(conversation)).isEqualTo("in_progress");

      Response stopped = parley.send("POST", alli + "/stop", null, null, "API-KEY", key);
      assertThat(stopped.status()).isEqualTo(200);
      assertThat(stopped.body()).isEmpty();
      assertThat(stream.rest()).isNotEmpty();
    }
    JsonNode idle =
        eventually(
            () -> parley.send("GET", alli + "/running", null, null, "API-KEY", key).json(),
            answer -> !answer.get("isRunning").asBoolean());
    assertThat(idle).isEqualTo(json("{\"isRunning\": false}"));
    Response unknown =
        parley.send(
            "GET",
            "/alli/webapi/v2/conversations/" + UUID.randomUUID() + "/running",
            null,
            null,
            "API-KEY",
            key);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().get("result")).isEqualTo(json("[]"));
  }
}
