package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.standalone.TestingParley.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Inkeep's feedback and event endpoints through the REST gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InkeepFeedbackAndEventsRestTest {
  private TestingParley parley;
  private String api;
  private String web;
  private String other;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    api = parley.key("inkeep-feedback", "conversation:read,conversation:write");
    web = parley.key("inkeep-feedback", "conversation:write");
    other = parley.key("inkeep-feedback-other", "*");
    parley.send(
        "POST",
        "/inkeep/conversations",
        api,
        """
        {"id": "fb-conv", "type": "openai", "createdAt": "2026-08-01T00:00:00Z",
         "messages": [{"id": "fb-q", "role": "user", "content": "Where are invoices?"},
                      {"id": "fb-a", "role": "assistant", "content": "Under Billing."}]}
        """);
  }

  @Test
  void logFeedbackAnswersTheStoredFeedbackExactly() {
    Response response =
        parley.send(
            "POST",
            "/inkeep/feedback",
            web,
            """
            {"id": "fb-1", "type": "negative", "messageId": "fb-a", "createdAt": "2026-08-01T00:01:00Z",
             "updatedAt": "2026-08-01T00:02:00Z", "reasons": [{"label": "Inaccurate", "details": "Billing moved"}],
             "details": "It is under Settings now", "properties": {"widget": "docs"},
             "userProperties": {"id": "u-1"}, "sources": [{"type": "new", "title": "Settings", "url": "https://docs.example.com/s"}]}
            """);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json())
        .isEqualTo(
            json(
                """
                {"id": "fb-1", "type": "negative", "messageId": "fb-a",
                 "createdAt": "2026-08-01T00:01:00.000Z", "updatedAt": "2026-08-01T00:02:00.000Z",
                 "reasons": [{"label": "Inaccurate", "details": "Billing moved"}],
                 "details": "It is under Settings now", "properties": {"widget": "docs"},
                 "userProperties": {"id": "u-1"},
                 "sources": [{"type": "new", "title": "Settings", "url": "https://docs.example.com/s"}]}
                """));

    JsonNode item = parley.send("GET", "/inkeep/feedback/fb-1", api, null).json();
    assertThat(item.get("conversation").get("id").asText()).isEqualTo("fb-conv");
    assertThat(item.get("message").get("id").asText()).isEqualTo("fb-a");
    assertThat(item.get("message").get("content").asText()).isEqualTo("Under Billing.");
    assertThat(item.get("reasons")).isEqualTo(response.json().get("reasons"));
  }

  @Test
  void listsPositiveAndNegativeFeedbackWithCounts() {
    String key = parley.key("inkeep-feedback-list", "*");
    parley.send(
        "POST",
        "/inkeep/conversations",
        key,
        "{\"id\": \"c\", \"type\": \"openai\", \"messages\": [{\"id\": \"m\", \"role\": \"assistant\", \"content\": \"x\"}]}");
    for (int i = 0; i < 3; i++) {
      parley.send(
          "POST",
          "/inkeep/feedback",
          key,
          "{\"id\": \"up-%d\", \"type\": \"positive\", \"messageId\": \"m\", \"createdAt\": \"2026-08-02T00:00:0%dZ\"}"
              .formatted(i, i));
    }
    parley.send(
        "POST",
        "/inkeep/feedback",
        key,
        "{\"id\": \"down\", \"type\": \"negative\", \"messageId\": \"m\"}");

    JsonNode all = parley.send("GET", "/inkeep/feedback?limit=2", key, null).json();

    assertThat(all.get("positiveFeedbackCount").asInt()).isEqualTo(3);
    assertThat(all.get("negativeFeedbackCount").asInt()).isEqualTo(1);
    assertThat(all.get("positiveFeedback")).hasSize(2);
    assertThat(all.get("positiveFeedback").get(0).get("id").asText()).isEqualTo("up-2");
    assertThat(all.get("positiveFeedback").get(1).get("id").asText()).isEqualTo("up-1");
    assertThat(all.get("negativeFeedback").get(0).get("conversation").get("id").asText())
        .isEqualTo("c");
    JsonNode second = parley.send("GET", "/inkeep/feedback?limit=2&offset=2", key, null).json();
    assertThat(second.get("positiveFeedback")).hasSize(1);
    assertThat(second.get("negativeFeedback")).isEmpty();
  }

  @Test
  void relogReplacesFeedbackAndDeleteRemovesIt() {
    parley.send(
        "POST",
        "/inkeep/feedback",
        api,
        "{\"id\": \"fb-2\", \"type\": \"positive\", \"messageId\": \"fb-a\"}");
    JsonNode first = parley.send("GET", "/inkeep/feedback/fb-2", api, null).json();
    JsonNode changed =
        parley
            .send(
                "POST",
                "/inkeep/feedback",
                api,
                "{\"id\": \"fb-2\", \"type\": \"negative\", \"messageId\": \"fb-a\", \"details\": \"changed my mind\"}")
            .json();

    assertThat(changed.get("type").asText()).isEqualTo("negative");
    assertThat(changed.get("createdAt")).isEqualTo(first.get("createdAt"));

    assertProblem(
        parley.send("DELETE", "/inkeep/feedback/fb-2", web, null),
        403,
        "This API key lacks the scope for this operation; needs all of: conversation:read, conversation:write");
    Response deleted = parley.send("DELETE", "/inkeep/feedback/fb-2", api, null);
    assertThat(deleted.json())
        .isEqualTo(json("{\"success\": true, \"message\": \"Feedback fb-2 deleted\"}"));
    assertProblem(
        parley.send("GET", "/inkeep/feedback/fb-2", api, null), 404, "Feedback fb-2 not found");
  }

  @Test
  void feedbackNeedsAKnownMessageOfTheCallersTenant() {
    assertProblem(
        parley.send(
            "POST", "/inkeep/feedback", api, "{\"type\": \"positive\", \"messageId\": \"nope\"}"),
        404,
        "Message nope not found");
    assertProblem(
        parley.send(
            "POST", "/inkeep/feedback", other, "{\"type\": \"positive\", \"messageId\": \"fb-a\"}"),
        404,
        "Message fb-a not found");
    parley.send(
        "POST",
        "/inkeep/feedback",
        api,
        "{\"id\": \"fb-private\", \"type\": \"positive\", \"messageId\": \"fb-a\"}");
    assertProblem(
        parley.send("GET", "/inkeep/feedback/fb-private", other, null),
        404,
        "Feedback fb-private not found");
    assertProblem(
        parley.send("DELETE", "/inkeep/feedback/fb-private", other, null),
        404,
        "Feedback fb-private not found");
    assertThat(
            parley
                .send("GET", "/inkeep/feedback", other, null)
                .json()
                .get("positiveFeedbackCount")
                .asInt())
        .isZero();
    assertProblem(
        parley.send("GET", "/inkeep/feedback", web, null),
        403,
        "This API key lacks the scope for this operation; needs one of: conversation:read");
  }

  @Test
  void badFeedbackIsA400() {
    String[][] cases = {
      {"{\"messageId\": \"fb-a\"}", "type: is required"},
      {"{\"type\": \"meh\", \"messageId\": \"fb-a\"}", "type: must be positive or negative"},
      {"{\"type\": \"positive\"}", "messageId: is required"},
      {
        "{\"type\": \"positive\", \"messageId\": \"fb-a\", \"reasons\": [{\"label\": \"x\"}]}",
        "reasons[0].details: is required and must be a string"
      },
      {
        "{\"type\": \"positive\", \"messageId\": \"fb-a\", \"sources\": [{\"type\": \"old\"}]}",
        "sources[0].type: must be positive, negative, new or null"
      },
      {
        "{\"type\": \"positive\", \"messageId\": \"fb-a\", \"createdAt\": \"now\"}",
        "createdAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z"
      },
    };
    for (String[] testCase : cases) {
      assertProblem(parley.send("POST", "/inkeep/feedback", api, testCase[0]), 400, testCase[1]);
    }
    assertProblem(
        parley.send("GET", "/inkeep/feedback?limit=101", api, null),
        400,
        "limit: must be within 0..100");
  }

  @Test
  void logEventStoresAnyEventNameForItsEntity() {
    Response message =
        parley.send(
            "POST",
            "/inkeep/events",
            web,
            """
            {"id": "ev-1", "type": "message_code_snippet_copied", "entityType": "message", "messageId": "fb-a",
             "createdAt": "2026-08-03T00:00:00Z", "properties": {"language": "bash"}}
            """);
    assertThat(message.status()).isEqualTo(200);
    assertThat(message.json())
        .isEqualTo(
            json(
                """
                {"id": "ev-1", "type": "message_code_snippet_copied", "entityType": "message", "messageId": "fb-a",
                 "createdAt": "2026-08-03T00:00:00.000Z", "projectId": null, "integrationId": null,
                 "properties": {"language": "bash"}, "userProperties": null}
                """));

    JsonNode search =
        parley
            .send(
                "POST",
                "/inkeep/events",
                api,
                "{\"type\": \"search\", \"entityType\": \"search\", \"searchQuery\": \"invoices\"}")
            .json();
    assertThat(search.get("id").asText()).startsWith("evt_");
    assertThat(search.get("searchQuery").asText()).isEqualTo("invoices");
    assertThat(search.has("messageId")).isFalse();

    assertProblem(
        parley.send(
            "POST",
            "/inkeep/events",
            api,
            "{\"type\": \"shared\", \"entityType\": \"conversation\"}"),
        400,
        "conversationId: is required for this entityType");
    assertProblem(
        parley.send("POST", "/inkeep/events", api, "{\"type\": \"x\", \"entityType\": \"page\"}"),
        400,
        "entityType: must be message, conversation or search");
    assertProblem(
        parley.send(
            "POST", "/inkeep/events", api, "{\"entityType\": \"search\", \"searchQuery\": \"q\"}"),
        400,
        "type: is required, at most 128 characters");
  }

  private static void assertProblem(Response response, int status, String detail) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("content-type")).isEqualTo("application/problem+json");
    assertThat(response.json().get("detail").asText()).isEqualTo(detail);
    assertThat(response.json().get("status").asInt()).isEqualTo(status);
  }
}
