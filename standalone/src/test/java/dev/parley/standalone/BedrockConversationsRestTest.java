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

/**
 * Bedrock Chat's conversation routes through the REST gateway, on conversations logged by Inkeep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BedrockConversationsRestTest {
  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  /** Logs a chat through Inkeep: messages u1 (user) and a1 (assistant), written at createdAt. */
  private void log(String key, String id, String createdAt, String question, String answer) {
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            """
            {"id": "%s", "type": "openai", "createdAt": "%s",
             "properties": {"model": "claude-v3.7-sonnet"},
             "messages": [
               {"id": "u1", "role": "user", "content": "%s", "createdAt": "%s"},
               {"id": "a1", "role": "assistant", "content": [{"type": "text", "text": "%s"}],
                "createdAt": "%s"}]}
            """
                .formatted(id, createdAt, question, createdAt, answer, createdAt));
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
  }

  @Test
  void getConversationAnswersTheMessageTreeUnderTheSystemRoot() {
    String key = parley.key("bedrock-tree", "conversation:read,conversation:write");
    log(key, "tree-1", "2026-03-01T10:00:00.250Z", "How do I rotate keys?", "Use the console.");

    Response got = parley.send("GET", "/bedrock/conversation/tree-1", key, null);

    assertThat(got.status()).isEqualTo(200);
    assertThat(got.header("content-type")).startsWith("application/json");
    assertThat(got.header("x-request-id")).startsWith("req_");
    assertThat(got.json())
        .isEqualTo(
            json(
                """
                {"id": "tree-1", "title": "New conversation", "createTime": 1772359200.25,
                 "lastMessageId": "a1", "botId": null, "shouldContinue": false,
                 "messageMap": {
                   "system": {"role": "system", "content": [{"contentType": "text", "body": ""}],
                              "model": "claude-v3.7-sonnet", "children": ["u1"], "parent": null,
                              "feedback": null, "usedChunks": null, "thinkingLog": null},
                   "u1": {"role": "user",
                          "content": [{"contentType": "text", "body": "How do I rotate keys?"}],
                          "model": "claude-v3.7-sonnet", "children": ["a1"], "parent": "system",
                          "feedback": null, "usedChunks": null, "thinkingLog": null},
                   "a1": {"role": "assistant",
                          "content": [{"contentType": "text", "body": "Use the console."}],
                          "model": "claude-v3.7-sonnet", "children": [], "parent": "u1",
                          "feedback": null, "usedChunks": null, "thinkingLog": null}}}
                """));
    assertThat(parley.send("GET", "/bedrock/conversation/missing", key, null).json())
        .isEqualTo(json("{\"errors\": [\"Conversation missing not found\"]}"));
  }

  @Test
  void openAiImagesBecomePartsBedrocksUiCanDraw() {
    String key = parley.key("bedrock-images", "conversation:read,conversation:write");
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            """
            {"id": "img-1", "type": "openai", "createdAt": "2026-03-02T10:00:00Z",
             "messages": [
               {"id": "u1", "role": "user", "createdAt": "2026-03-02T10:00:00Z", "content": [
                 {"type": "text", "text": "What is on these?"},
                 {"type": "image_url", "image_url": {"url": "data:image/PNG;base64,iVBORw0K GgoA"}},
                 {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                 {"type": "image_url", "image_url": {"url": "data:,Hello%2C%20World"}},
                 {"type": "image_url", "image_url": {"url": "data:image/png;base64,@@not base64@@"}}]}]}
            """);
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);

    JsonNode user = parley.send("GET", "/bedrock/conversation/img-1", key, null).json();

    assertThat(user.at("/messageMap/u1/content"))
        .isEqualTo(
            json(
                """
                [{"contentType": "text", "body": "What is on these?"},
                 {"contentType": "image", "mediaType": "image/png", "body": "iVBORw0KGgoA"},
                 {"contentType": "text", "body": "https://example.com/a.png"},
                 {"contentType": "attachment", "fileName": "attachment",
                  "body": "SGVsbG8sIFdvcmxk"},
                 {"contentType": "text", "body": "data:image/png;base64,@@not base64@@"}]
                """));
  }

  @Test
  void feedbackNeedsACategoryForThumbsDownAndShowsInTheTree() {
    String key = parley.key("bedrock-feedback", "conversation:read,conversation:write");
    log(key, "fb-1", "2026-03-02T10:00:00Z", "Where is my invoice?", "In billing.");

    Response noCategory =
        parley.send("PUT", "/bedrock/conversation/fb-1/a1/feedback", key, "{\"thumbsUp\": false}");
    // What FastAPI refuses while reading the request is its 422, not upstream's errors list.
    assertThat(noCategory.status()).isEqualTo(422);
    assertThat(noCategory.json())
        .isEqualTo(
            json(
                """
                {"detail": [{"type": "value_error", "loc": ["body", "category"],
                             "msg": "Value error, is required when thumbsUp is false",
                             "input": null}]}
                """));
    Response wrongType =
        parley.send(
            "PUT", "/bedrock/conversation/fb-1/a1/feedback", key, "{\"thumbsUp\": \"maybe\"}");
    assertThat(wrongType.status()).isEqualTo(422);
    assertThat(wrongType.json().at("/detail/0/type").asText()).isEqualTo("json_invalid");
    assertThat(wrongType.json().at("/detail/0/loc")).isEqualTo(json("[\"body\"]"));
    assertThat(wrongType.json().at("/detail/0/ctx/error").asText()).isNotEmpty();
    Response unreadable = parley.send("PUT", "/bedrock/conversation/fb-1/a1/feedback", key, "{");
    assertThat(unreadable.status()).as(unreadable.body()).isEqualTo(422);

    Response down =
        parley.send(
            "PUT",
            "/bedrock/conversation/fb-1/a1/feedback",
            key,
            "{\"thumbsUp\": false, \"category\": \"notFactuallyCorrect\"}");
    assertThat(down.status()).isEqualTo(200);
    assertThat(down.json())
        .isEqualTo(
            json(
                "{\"thumbsUp\": false, \"category\": \"notFactuallyCorrect\", \"comment\": \"\"}"));
    // snake_case input is accepted too; a second feedback replaces the first.
    Response up =
        parley.send(
            "PUT",
            "/bedrock/conversation/fb-1/a1/feedback",
            key,
            "{\"thumbs_up\": true, \"comment\": \"Thanks\"}");
    assertThat(up.json())
        .isEqualTo(json("{\"thumbsUp\": true, \"category\": \"\", \"comment\": \"Thanks\"}"));
    JsonNode tree = parley.send("GET", "/bedrock/conversation/fb-1", key, null).json();
    assertThat(tree.at("/messageMap/a1/feedback"))
        .isEqualTo(json("{\"thumbsUp\": true, \"category\": \"\", \"comment\": \"Thanks\"}"));
    assertThat(tree.at("/messageMap/u1/feedback").isNull()).isTrue();

    Response unknownMessage =
        parley.send("PUT", "/bedrock/conversation/fb-1/nope/feedback", key, "{\"thumbsUp\": true}");
    assertThat(unknownMessage.status()).isEqualTo(404);
    assertThat(unknownMessage.json())
        .isEqualTo(json("{\"errors\": [\"Message nope not found in conversation fb-1\"]}"));
    assertThat(
            parley
                .send("PUT", "/bedrock/conversation/nope/a1/feedback", key, "{\"thumbsUp\": true}")
                .status())
        .isEqualTo(404);
  }

  @Test
  void listsNewestFirstAsAPlainArrayWithOptionalPaging() {
    String key = parley.key("bedrock-list", "conversation:read,conversation:write");
    for (int i = 1; i <= 3; i++) {
      log(key, "list-" + i, "2026-03-0" + i + "T08:00:00Z", "Question " + i, "Answer " + i);
    }

    Response all = parley.send("GET", "/bedrock/conversations", key, null);
    assertThat(all.status()).isEqualTo(200);
    assertThat(all.json())
        .isEqualTo(
            json(
                """
                [{"id": "list-3", "title": "New conversation", "createTime": 1772524800,
                  "model": "claude-v3.7-sonnet", "botId": null},
                 {"id": "list-2", "title": "New conversation", "createTime": 1772438400,
                  "model": "claude-v3.7-sonnet", "botId": null},
                 {"id": "list-1", "title": "New conversation", "createTime": 1772352000,
                  "model": "claude-v3.7-sonnet", "botId": null}]
                """));
    assertThat(ids(parley.send("GET", "/bedrock/conversations?limit=2", key, null).json()))
        .containsExactly("list-3", "list-2");
    assertThat(
            ids(
                parley
                    .send("GET", "/bedrock/conversations?limit=2&before=list-2", key, null)
                    .json()))
        .containsExactly("list-1");
    assertThat(ids(parley.send("GET", "/bedrock/conversations?before=list-1", key, null).json()))
        .isEmpty();
    Response zero = parley.send("GET", "/bedrock/conversations?limit=0", key, null);
    assertThat(zero.status()).as(zero.body()).isEqualTo(422);
    Response notANumber = parley.send("GET", "/bedrock/conversations?limit=ten", key, null);
    assertThat(notANumber.status()).isEqualTo(422);
    assertThat(notANumber.json().at("/detail/0/loc")).isEqualTo(json("[\"query\"]"));
    assertThat(parley.send("GET", "/bedrock/conversations?before=nope", key, null).json())
        .isEqualTo(json("{\"errors\": [\"before: no conversation nope to page from\"]}"));
  }

  @Test
  void renamesSearchesWithHighlightsAndDeletes() {
    String key = parley.key("bedrock-search", "conversation:read,conversation:write");
    log(key, "s-1", "2026-03-05T08:00:00Z", "My deploy failed with error 42", "Retry the deploy.");
    log(key, "s-2", "2026-03-06T08:00:00Z", "Unrelated question", "Unrelated answer");

    Response renamed =
        parley.send(
            "PATCH", "/bedrock/conversation/s-1/title", key, "{\"newTitle\": \"Deploy failure\"}");
    assertThat(renamed.status()).isEqualTo(200);
    assertThat(renamed.body()).isEqualTo("null");
    Response noTitle = parley.send("PATCH", "/bedrock/conversation/s-1/title", key, "{}");
    assertThat(noTitle.status()).isEqualTo(422);
    assertThat(noTitle.json())
        .isEqualTo(
            json(
                """
                {"detail": [{"type": "missing", "loc": ["body", "newTitle"],
                             "msg": "Field required", "input": null}]}
                """));
    assertThat(
            parley
                .send("PATCH", "/bedrock/conversation/nope/title", key, "{\"newTitle\": \"x\"}")
                .status())
        .isEqualTo(404);

    Response found = parley.send("GET", "/bedrock/conversations/search?query=deploy", key, null);
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.json())
        .isEqualTo(
            json(
                """
                [{"id": "s-1", "title": "Deploy failure", "lastUpdatedTime": 1772697600,
                  "botId": null,
                  "highlights": [
                    {"fieldName": "Title", "fragments": ["<em>Deploy</em> failure"]},
                    {"fieldName": "MessageBody",
                     "fragments": ["My <em>deploy</em> failed with error 42",
                                   "Retry the <em>deploy</em>."]}]}]
                """));
    assertThat(parley.send("GET", "/bedrock/conversations/search?query=nothing", key, null).json())
        .isEqualTo(json("[]"));
    Response noQuery = parley.send("GET", "/bedrock/conversations/search", key, null);
    assertThat(noQuery.status()).isEqualTo(422);
    assertThat(noQuery.json())
        .isEqualTo(
            json(
                """
                {"detail": [{"type": "missing", "loc": ["query", "query"],
                             "msg": "Field required", "input": null}]}
                """));

    Response deleted = parley.send("DELETE", "/bedrock/conversation/s-1", key, null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.header("content-type")).startsWith("application/json");
    assertThat(deleted.body()).isEqualTo("null");
    assertThat(parley.send("DELETE", "/bedrock/conversation/s-1", key, null).status())
        .isEqualTo(404);
    assertThat(parley.send("GET", "/bedrock/conversations/search?query=deploy", key, null).json())
        .isEqualTo(json("[]"));
  }

  @Test
  void bulkDeleteReportsFailedIdsAndDeleteAllEmptiesTheList() {
    String key = parley.key("bedrock-bulk", "conversation:read,conversation:write");
    for (int i = 1; i <= 3; i++) {
      log(key, "bulk-" + i, "2026-03-0" + i + "T08:00:00Z", "Q", "A");
    }

    Response bulk =
        parley.send(
            "POST",
            "/bedrock/conversations/bulk-delete",
            key,
            "{\"conversationIds\": [\"bulk-1\", \"bulk-2\", \"missing\"]}");
    assertThat(bulk.status()).isEqualTo(200);
    assertThat(bulk.json()).isEqualTo(json("{\"deletedCount\": 2, \"failedIds\": [\"missing\"]}"));
    assertThat(
            parley
                .send(
                    "POST", "/bedrock/conversations/bulk-delete", key, "{\"conversationIds\": []}")
                .json())
        .isEqualTo(
            json(
                """
                {"detail": [{"type": "value_error", "loc": ["body", "conversationIds"],
                             "msg": "Value error, must hold 1..100 ids", "input": null}]}
                """));
    List<String> tooMany = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      tooMany.add("\"id-" + i + "\"");
    }
    assertThat(
            parley
                .send(
                    "POST",
                    "/bedrock/conversations/bulk-delete",
                    key,
                    "{\"conversationIds\": [" + String.join(",", tooMany) + "]}")
                .status())
        .isEqualTo(422);
    assertThat(ids(parley.send("GET", "/bedrock/conversations", key, null).json()))
        .containsExactly("bulk-3");

    Response deletedAll = parley.send("DELETE", "/bedrock/conversations", key, null);
    assertThat(deletedAll.status()).isEqualTo(200);
    assertThat(deletedAll.body()).isEqualTo("null");
    assertThat(parley.send("GET", "/bedrock/conversations", key, null).json())
        .isEqualTo(json("[]"));
  }

  @Test
  void anotherTenantCanNeitherSeeNorChangeAConversation() {
    String owner = parley.key("bedrock-owner", "conversation:read,conversation:write");
    String other = parley.key("bedrock-other", "conversation:read,conversation:write");
    log(owner, "mine", "2026-03-07T08:00:00Z", "Secret roadmap question", "Secret answer");

    assertThat(parley.send("GET", "/bedrock/conversation/mine", other, null).status())
        .isEqualTo(404);
    assertThat(parley.send("GET", "/bedrock/conversations", other, null).json())
        .isEqualTo(json("[]"));
    assertThat(parley.send("GET", "/bedrock/conversations/search?query=secret", other, null).json())
        .isEqualTo(json("[]"));
    assertThat(
            parley
                .send("PATCH", "/bedrock/conversation/mine/title", other, "{\"newTitle\": \"x\"}")
                .status())
        .isEqualTo(404);
    assertThat(
            parley
                .send(
                    "PUT", "/bedrock/conversation/mine/u1/feedback", other, "{\"thumbsUp\": true}")
                .status())
        .isEqualTo(404);
    assertThat(parley.send("DELETE", "/bedrock/conversation/mine", other, null).status())
        .isEqualTo(404);
    assertThat(
            parley
                .send(
                    "POST",
                    "/bedrock/conversations/bulk-delete",
                    other,
                    "{\"conversationIds\": [\"mine\"]}")
                .json())
        .isEqualTo(json("{\"deletedCount\": 0, \"failedIds\": [\"mine\"]}"));
    assertThat(parley.send("DELETE", "/bedrock/conversations", other, null).status())
        .isEqualTo(200);

    JsonNode still = parley.send("GET", "/bedrock/conversation/mine", owner, null).json();
    assertThat(still.get("title").asText()).isEqualTo("New conversation");
    assertThat(still.at("/messageMap/u1/feedback").isNull()).isTrue();
    assertThat(parley.send("GET", "/bedrock/conversations", null, null).json())
        .isEqualTo(
            json("{\"errors\": [\"Missing API key: send it as 'Authorization: Bearer <key>'\"]}"));
  }

  private static List<String> ids(JsonNode array) {
    List<String> ids = new ArrayList<>();
    array.forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }
}
