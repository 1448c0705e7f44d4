package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.standalone.TestingParley.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** PostHog AI's conversation endpoints through the REST gateway, on conversations from Inkeep. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostHogConversationsRestTest {
  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  private static String path(String project) {
    return "/posthog/api/environments/" + project + "/conversations/";
  }

  private void log(String key, String id, String updatedAt) {
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            """
            {"id": "%s", "type": "openai", "createdAt": "2026-05-01T09:00:00Z",
             "updatedAt": "%s", "userProperties": {"id": "user-7", "email": "ana@example.com"},
             "messages": [
               {"id": "q", "role": "user", "content": "Show me weekly signups",
                "createdAt": "2026-05-01T09:00:00Z"},
               {"id": "r", "role": "assistant",
                "content": [{"type": "text", "text": "Here is the trend."}],
                "createdAt": "2026-05-01T09:00:05Z"}]}
            """
                .formatted(id, updatedAt));
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
  }

  @Test
  void listsWithDrfPagingAbsoluteLinksAndOptionalTrailingSlash() {
    String key = parley.key("ph-list", "conversation:read,conversation:write");
    for (int i = 1; i <= 3; i++) {
      log(key, "ph-" + i, "2026-05-0" + i + "T12:00:00Z");
    }

    Response page = parley.send("GET", path("ph-list") + "?limit=2", key, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("content-type")).startsWith("application/json");
    assertThat(page.header("x-request-id")).startsWith("req_");
    JsonNode body = page.json();
    assertThat(body.get("count").asInt()).isEqualTo(3);
    assertThat(body.get("next").asText())
        .isEqualTo(parley.baseUrl() + path("ph-list") + "?limit=2&offset=2");
    assertThat(body.get("previous").isNull()).isTrue();
    assertThat(ids(body)).containsExactly("ph-3", "ph-2");
    JsonNode user = body.at("/results/0/user");
    assertThat(body.get("results").get(0))
        .isEqualTo(
            json(
                """
                {"id": "ph-3", "status": "idle", "title": null, "user": %s,
                 "created_at": "2026-05-01T09:00:00.000Z", "updated_at": "2026-05-03T12:00:00.000Z",
                 "type": "assistant", "is_internal": false, "slack_thread_key": null,
                 "slack_workspace_domain": null}
                """
                    .formatted(user)));
    assertThat(user.get("distinct_id").asText()).isEqualTo("user-7");
    assertThat(user.get("email").asText()).isEqualTo("ana@example.com");
    assertThat(user.get("id").isIntegralNumber()).isTrue();

    JsonNode second = parley.send("GET", path("ph-list") + "?limit=2&offset=2", key, null).json();
    assertThat(ids(second)).containsExactly("ph-1");
    assertThat(second.get("next").isNull()).isTrue();
    assertThat(second.get("previous").asText())
        .isEqualTo(parley.baseUrl() + path("ph-list") + "?limit=2");
    // Without the trailing slash, through @current, and with DRF's fallback for a bad limit.
    String noSlash = path("ph-list").substring(0, path("ph-list").length() - 1);
    assertThat(ids(parley.send("GET", noSlash, key, null).json()))
        .containsExactly("ph-3", "ph-2", "ph-1");
    assertThat(ids(parley.send("GET", path("@current") + "?limit=abc", key, null).json()))
        .hasSize(3);

    Response otherProject = parley.send("GET", path("someone-else"), key, null);
    assertThat(otherProject.status()).isEqualTo(404);
    assertThat(otherProject.json())
        .isEqualTo(
            json(
                "{\"type\": \"invalid_request\", \"code\": \"not_found\","
                    + " \"detail\": \"Project someone-else not found\", \"attr\": null}"));
    Response noKey = parley.send("GET", path("ph-list"), null, null);
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json())
        .isEqualTo(
            json(
                "{\"type\": \"authentication_error\", \"code\": \"not_authenticated\","
                    + " \"detail\": \"Authentication credentials were not provided.\","
                    + " \"attr\": null}"));
    Response badKey = parley.send("GET", path("ph-list"), "phx_not-a-key", null);
    assertThat(badKey.status()).isEqualTo(401);
    assertThat(badKey.json())
        .isEqualTo(
            json(
                "{\"type\": \"authentication_error\", \"code\": \"authentication_failed\","
                    + " \"detail\": \"Invalid or revoked API key\", \"attr\": null}"));
  }

  private static String derivedUuid(String id) {
    return java.util
        .UUID
        .nameUUIDFromBytes(("message\n" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString();
  }

  @Test
  void retrievesAppendsAnAssistantMessageAndSoftDeletes() {
    String key = parley.key("ph-one", "conversation:read,conversation:write");
    log(key, "one", "2026-05-02T12:00:00Z");

    Response got = parley.send("GET", path("ph-one") + "one/", key, null);
    assertThat(got.status()).isEqualTo(200);
    JsonNode conversation = got.json();
    // Ids written through another front door ("q", "r") show as UUIDs derived from them.
    assertThat(conversation.get("messages"))
        .isEqualTo(
            json(
                """
                [{"type": "human", "id": "%s", "content": "Show me weekly signups"},
                 {"type": "ai", "id": "%s", "content": "Here is the trend."}]
                """
                    .formatted(derivedUuid("q"), derivedUuid("r"))));
    assertThat(conversation.get("has_unsupported_content").asBoolean()).isFalse();
    assertThat(conversation.get("agent_mode").isNull()).isTrue();
    assertThat(conversation.get("is_sandbox").asBoolean()).isFalse();
    assertThat(conversation.get("pending_approvals")).isEqualTo(json("[]"));

    Response appended =
        parley.send(
            "POST",
            path("ph-one") + "one/append_message/",
            key,
            "{\"content\": \"Ticket created.\"}");
    assertThat(appended.status()).isEqualTo(201);
    String messageId = appended.json().get("id").asText();
    assertThat(appended.json()).isEqualTo(json("{\"id\": \"" + messageId + "\"}"));
    assertThat(java.util.UUID.fromString(messageId).version()).isEqualTo(4);
    JsonNode messages =
        parley.send("GET", path("ph-one") + "one", key, null).json().get("messages");
    assertThat(messages.get(2))
        .isEqualTo(
            json(
                "{\"type\": \"ai\", \"id\": \""
                    + messageId
                    + "\", \"content\": \"Ticket created.\"}"));

    Response missingContent = parley.send("POST", path("ph-one") + "one/append_message", key, "{}");
    assertThat(missingContent.status()).isEqualTo(400);
    assertThat(missingContent.json())
        .isEqualTo(
            json(
                "{\"type\": \"validation_error\", \"code\": \"required\","
                    + " \"detail\": \"This field is required.\", \"attr\": \"content\"}"));
    assertThat(
            parley
                .send(
                    "POST",
                    path("ph-one") + "one/append_message/",
                    key,
                    "{\"content\": \"" + "x".repeat(10_001) + "\"}")
                .json()
                .get("code")
                .asText())
        .isEqualTo("max_length");
    assertThat(
            parley
                .send("POST", path("ph-one") + "one/append_message/", key, "{\"content\": 5")
                .status())
        .isEqualTo(400);
    Response tooLarge =
        parley.send(
            "POST",
            path("ph-one") + "one/append_message/",
            key,
            "{\"content\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}");
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.json().get("type").asText()).isEqualTo("validation_error");
    assertThat(
            parley
                .send("POST", path("ph-one") + "nope/append_message/", key, "{\"content\": \"x\"}")
                .status())
        .isEqualTo(404);

    Response deleted = parley.send("DELETE", path("ph-one") + "one/", key, null);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(parley.send("GET", path("ph-one") + "one/", key, null).status()).isEqualTo(404);
    assertThat(parley.send("GET", "/inkeep/conversations/one", key, null).status()).isEqualTo(404);
    assertThat(parley.send("GET", path("ph-one"), key, null).json().get("count").asInt()).isZero();
    assertThat(parley.send("DELETE", path("ph-one") + "one", key, null).status()).isEqualTo(404);
  }

  @Test
  void scopesAndTenantsAreEnforcedOnEveryEndpoint() {
    String owner = parley.key("ph-owner", "conversation:read,conversation:write");
    String reader = parley.key("ph-owner", "conversation:read");
    String other = parley.key("ph-other", "conversation:read,conversation:write");
    log(owner, "mine", "2026-05-03T12:00:00Z");

    Response readOnly =
        parley.send(
            "POST", path("ph-owner") + "mine/append_message/", reader, "{\"content\": \"x\"}");
    assertThat(readOnly.status()).isEqualTo(403);
    assertThat(readOnly.json().get("code").asText()).isEqualTo("permission_denied");
    assertThat(parley.send("DELETE", path("ph-owner") + "mine/", reader, null).status())
        .isEqualTo(403);

    for (String project : List.of("ph-owner", "ph-other", "@current")) {
      assertThat(parley.send("GET", path(project) + "mine/", other, null).status()).isEqualTo(404);
      assertThat(
              parley
                  .send(
                      "POST", path(project) + "mine/append_message/", other, "{\"content\": \"x\"}")
                  .status())
          .isEqualTo(404);
      assertThat(parley.send("DELETE", path(project) + "mine/", other, null).status())
          .isEqualTo(404);
    }
    assertThat(parley.send("GET", path("ph-owner"), other, null).status()).isEqualTo(404);
    assertThat(parley.send("GET", path("@current"), other, null).json().get("count").asInt())
        .isZero();
    assertThat(parley.send("GET", path("ph-owner") + "mine/", owner, null).json().get("messages"))
        .hasSize(2);
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("results").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }
}
