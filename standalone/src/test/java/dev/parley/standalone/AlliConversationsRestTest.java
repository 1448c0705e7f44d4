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

/** Alli's conversation API through the REST gateway, on conversations logged by Inkeep. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlliConversationsRestTest {
  private static final String BASE = "/alli/webapi/v2/conversations";

  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  /** Logs a conversation through Inkeep with {@code count} alternating messages m0, m1, ... */
  private void log(String key, String id, String user, String day, int count, String text) {
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      messages.add(
          """
          {"id": "m%d", "role": "%s", "content": "%s %d",
           "createdAt": "2026-04-%sT10:%02d:00Z"}
          """
              .formatted(i, i % 2 == 0 ? "user" : "assistant", text, i, day, i % 60));
    }
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            key,
            """
            {"id": "%s", "type": "openai", "createdAt": "2026-04-%sT09:00:00Z",
             "integrationId": "app-1", "userProperties": {"id": "%s"},
             "properties": {"memo": "VIP", "plan": "pro"}, "messages": [%s]}
            """
                .formatted(id, day, user, String.join(",", messages)));
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
  }

  private Response alli(String method, String path, String key, String body, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "API-KEY";
    all[1] = key;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return parley.send(method, BASE + path, null, body, all);
  }

  @Test
  void listsByLastChatTimeWithCursorFiltersAndVariables() {
    String key = parley.key("alli-list", "conversation:read,conversation:write");
    log(key, "a", "u-1", "01", 2, "Billing question");
    log(key, "b", "u-2", "03", 2, "Login problem");
    log(key, "c", "u-1", "02", 1, "Hello");

    Response first = alli("GET", "?pageSize=1&variables=plan,missing", key, null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("content-type")).startsWith("application/json");
    assertThat(first.header("x-request-id")).startsWith("req_");
    String cursor = first.json().get("cursor").asText();
    assertThat(first.json())
        .isEqualTo(
            json(
                """
                {"conversations": [
                  {"id": "b", "title": "", "user": {"userId": "u-2", "firstName": "", "lastName": ""},
                   "createdAt": 1775206800000, "lastChatTime": 1775210460000, "isEnd": false,
                   "categories": [], "memo": "VIP", "chatCount": 2,
                   "llmApp": {"id": "app-1", "name": "app-1", "description": ""},
                   "variables": {"plan": "pro"}, "state": "", "assignee": "",
                   "chats": [
                     {"id": "m0", "sender": "USER", "message": "Login problem 0",
                      "timestamp": 1775210400000, "citations": [], "rating": null,
                      "agentRating": null},
                     {"id": "m1", "sender": "BOT", "message": "Login problem 1",
                      "timestamp": 1775210460000, "citations": [], "rating": null,
                      "agentRating": null}]}],
                 "cursor": "%s"}
                """
                    .formatted(cursor)));
    assertThat(ids(alli("GET", "?pageSize=1&cursor=" + cursor, key, null).json()))
        .containsExactly("c");
    JsonNode rest = alli("GET", "?pageSize=5&cursor=" + cursor, key, null).json();
    assertThat(ids(rest)).containsExactly("c", "a");
    assertThat(rest.get("cursor").isNull()).isTrue();

    assertThat(ids(alli("GET", "?order=CREATED_AT_ASC", key, null).json()))
        .containsExactly("a", "c", "b");
    assertThat(ids(alli("GET", "?userIds=u-1", key, null).json())).containsExactly("c", "a");
    assertThat(ids(alli("GET", "?userIds=u-2,u-9", key, null).json())).containsExactly("b");
    assertThat(ids(alli("GET", "?llmAppId=app-1", key, null).json())).hasSize(3);
    assertThat(ids(alli("GET", "?llmAppId=app-2", key, null).json())).isEmpty();
    assertThat(ids(alli("GET", "?searchTerm=login", key, null).json())).containsExactly("b");
    // Last chat time bounds, in milliseconds or seconds.
    assertThat(ids(alli("GET", "?startedAt=1775124000000", key, null).json()))
        .containsExactly("b", "c");
    assertThat(ids(alli("GET", "?endAt=1775124000", key, null).json())).containsExactly("c", "a");
    assertThat(ids(alli("GET", "?firstChatEndAt=1775037600000", key, null).json()))
        .containsExactly("a");

    Response tooBig = alli("GET", "?pageSize=51", key, null);
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(tooBig.json())
        .isEqualTo(json("{\"result\": [], \"errors\": \"pageSize: must be within 1..50\"}"));
    assertThat(alli("GET", "?order=TITLE_ASC", key, null).status()).isEqualTo(400);
    assertThat(alli("GET", "?cursor=garbage", key, null).status()).isEqualTo(400);
    assertThat(alli("GET", "?startedAt=yesterday", key, null).status()).isEqualTo(400);
    // A cursor only continues the order it came from.
    assertThat(alli("GET", "?order=CREATED_AT_ASC&cursor=" + cursor, key, null).status())
        .isEqualTo(400);

    Response badKey = parley.send("GET", BASE, null, null, "API-KEY", "nope");
    assertThat(badKey.status()).isEqualTo(401);
    assertThat(badKey.json())
        .isEqualTo(
            json(
                "{\"error\": {\"value\": 1013, \"name\": \"INVALID_TOKEN\"},"
                    + " \"message\": \"INVALID_TOKEN\"}"));
    // The usual bearer header works too.
    assertThat(parley.send("GET", BASE, key, null).status()).isEqualTo(200);
  }

  @Test
  void bulkUpdateNeedsAFilterAndSetsStateAssigneeCategoriesAndTitle() {
    String key = parley.key("alli-bulk", "conversation:read,conversation:write");
    log(key, "x", "u-1", "01", 1, "Hello");
    log(key, "y", "u-2", "02", 1, "Hello");

    Response noFilter =
        alli("POST", "/bulk_update", key, "{\"conversationInfo\": {\"state\": \"no\"}}");
    assertThat(noFilter.status()).isEqualTo(400);
    assertThat(noFilter.json().get("errors").asText()).startsWith("filter: at least one of");
    assertThat(alli("POST", "/bulk_update", key, "{\"userIds\": [\"u-1\"]}").status())
        .isEqualTo(400);
    assertThat(alli("POST", "/bulk_update", key, "{\"userIds\": \"u-1\"").status()).isEqualTo(400);

    Response updated =
        alli(
            "POST",
            "/bulk_update",
            key,
            """
            {"userIds": ["u-1"], "conversationInfo": {"state": "END_BY_AGENT",
             "assignee": "agent@example.com", "categoryIds": ["cat-1", "cat-2"],
             "title": "Greeting"}}
            """);
    // Alli answers these updates 200 with no content at all.
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.body()).isEmpty();

    JsonNode x = alli("GET", "/x", key, null).json();
    assertThat(x.get("title").asText()).isEqualTo("Greeting");
    assertThat(x.get("state").asText()).isEqualTo("END_BY_AGENT");
    assertThat(x.get("assignee").asText()).isEqualTo("agent@example.com");
    assertThat(x.get("isEnd").asBoolean()).isTrue();
    assertThat(x.get("categories")).isEqualTo(json("[\"cat-1\", \"cat-2\"]"));
    assertThat(alli("GET", "/y", key, null).json().get("title").asText()).isEmpty();
    assertThat(ids(alli("GET", "?categoryId=cat-2", key, null).json())).containsExactly("x");
    assertThat(ids(alli("GET", "?activeOnly=true", key, null).json())).containsExactly("y");
  }

  @Test
  void getShowsTheLatest20ChatsAndChatsPageBy100() {
    String key = parley.key("alli-chats", "conversation:read,conversation:write");
    log(key, "long", "u-1", "05", 120, "Step");

    JsonNode conversation = alli("GET", "/long?variables=memo", key, null).json();
    assertThat(conversation.get("chatCount").asInt()).isEqualTo(120);
    assertThat(conversation.get("chats")).hasSize(20);
    assertThat(conversation.get("chats").get(0).get("id").asText()).isEqualTo("m100");
    assertThat(conversation.get("variables")).isEqualTo(json("{\"memo\": \"VIP\"}"));

    // Lists read only each conversation's latest 20 chats from the database.
    JsonNode listed = alli("GET", "", key, null).json().get("conversations").get(0);
    assertThat(listed.get("chatCount").asInt()).isEqualTo(120);
    assertThat(listed.get("chats")).hasSize(20);
    assertThat(listed.get("chats").get(0).get("id").asText()).isEqualTo("m100");
    assertThat(listed.get("chats").get(19).get("id").asText()).isEqualTo("m119");

    JsonNode first = alli("GET", "/long/chats", key, null).json();
    assertThat(first.get("chats")).hasSize(100);
    assertThat(first.get("chats").get(0).get("id").asText()).isEqualTo("m0");
    JsonNode second =
        alli("GET", "/long/chats?cursor=" + first.get("cursor").asText(), key, null).json();
    assertThat(second.get("chats")).hasSize(20);
    assertThat(second.get("chats").get(0).get("id").asText()).isEqualTo("m100");
    assertThat(second.get("cursor").isNull()).isTrue();
    assertThat(alli("GET", "/long/chats?pageNo=2", key, null).json()).isEqualTo(second);
    assertThat(alli("GET", "/long/chats?pageNo=0", key, null).status()).isEqualTo(400);
    assertThat(alli("GET", "/long/chats?cursor=bad", key, null).status()).isEqualTo(400);
    assertThat(alli("GET", "/missing/chats", key, null).status()).isEqualTo(404);
    assertThat(alli("GET", "/missing", key, null).json())
        .isEqualTo(json("{\"result\": [], \"errors\": \"Conversation missing not found\"}"));
  }

  @Test
  void updatesOneConversationAttributesItsUserAndRatesChats() {
    String key = parley.key("alli-update", "conversation:read,conversation:write");
    log(key, "one", "u-1", "06", 2, "Refund");

    Response updated =
        alli(
            "PUT",
            "/one",
            key,
            "{\"state\": \"WAIT_AGENT\", \"categoryIds\": [\"refunds\"]}",
            "OWN-USER-ID",
            "base64:w6lsw6hyZQ==",
            "USER-EMAIL",
            "elere@example.com");
    assertThat(updated.status()).isEqualTo(200);
    assertThat(updated.body()).isEmpty();
    Response titled = alli("PUT", "/one/title", key, "{\"title\": \"Refund request\"}");
    assertThat(titled.status()).isEqualTo(200);
    assertThat(titled.body()).isEmpty();
    assertThat(alli("PUT", "/one/title", key, "{}").status()).isEqualTo(400);
    assertThat(alli("PUT", "/nope/title", key, "{\"title\": \"x\"}").status()).isEqualTo(404);
    assertThat(alli("PUT", "/nope", key, "{\"state\": \"x\"}").status()).isEqualTo(404);

    JsonNode one = alli("GET", "/one", key, null).json();
    assertThat(one.get("title").asText()).isEqualTo("Refund request");
    assertThat(one.get("state").asText()).isEqualTo("WAIT_AGENT");
    assertThat(one.get("user").get("userId").asText()).isEqualTo("élère");
    assertThat(one.get("categories")).isEqualTo(json("[\"refunds\"]"));

    Response rating =
        alli("POST", "/one/chats/m1/feedback", key, "{\"rating\": true}", "OWN-USER-ID", "u-1");
    assertThat(rating.status()).isEqualTo(200);
    assertThat(rating.body()).isEmpty();
    assertThat(
            alli(
                    "POST",
                    "/one/chats/m1/feedback",
                    key,
                    "{\"rating\": false, \"feedbackSelection\": [\"WRONG\"],"
                        + " \"suggestedAnswer\": \"Say sorry\"}",
                    "AGENT-EMAIL",
                    "agent@example.com")
                .status())
        .isEqualTo(200);
    JsonNode rated = alli("GET", "/one", key, null).json().get("chats").get(1);
    assertThat(rated.get("rating").asBoolean()).isTrue();
    assertThat(rated.get("agentRating").asBoolean()).isFalse();
    // The agent's rating with its reasons is feedback like any other: Inkeep lists it.
    JsonNode negative =
        parley.send("GET", "/inkeep/feedback", key, null).json().get("negativeFeedback");
    assertThat(negative.get(0).get("reasons"))
        .isEqualTo(json("[{\"label\": \"WRONG\", \"details\": \"\"}]"));

    assertThat(alli("POST", "/one/chats/m1/feedback", key, "{\"rating\": null}").status())
        .isEqualTo(200);
    assertThat(alli("GET", "/one", key, null).json().at("/chats/1/rating").isNull()).isTrue();
    assertThat(alli("POST", "/one/chats/nope/feedback", key, "{\"rating\": true}").status())
        .isEqualTo(404);
    assertThat(alli("POST", "/one/chats/m1/feedback", key, "{\"rating\": \"yes\"}").status())
        .isEqualTo(400);
  }

  @Test
  void anotherTenantCanNeitherSeeNorChangeAConversation() {
    String owner = parley.key("alli-owner", "conversation:read,conversation:write");
    String other = parley.key("alli-other", "conversation:read,conversation:write");
    log(owner, "mine", "u-1", "07", 2, "Secret");

    assertThat(ids(alli("GET", "?searchTerm=secret", other, null).json())).isEmpty();
    assertThat(ids(alli("GET", "", other, null).json())).isEmpty();
    assertThat(alli("GET", "/mine", other, null).status()).isEqualTo(404);
    assertThat(alli("GET", "/mine/chats", other, null).status()).isEqualTo(404);
    assertThat(alli("PUT", "/mine", other, "{\"state\": \"x\"}").status()).isEqualTo(404);
    assertThat(alli("PUT", "/mine/title", other, "{\"title\": \"x\"}").status()).isEqualTo(404);
    assertThat(alli("POST", "/mine/chats/m1/feedback", other, "{\"rating\": true}").status())
        .isEqualTo(404);
    assertThat(
            alli(
                    "POST",
                    "/bulk_update",
                    other,
                    "{\"conversationIds\": [\"mine\"], \"conversationInfo\": {\"title\": \"x\"}}")
                .status())
        .isEqualTo(200);

    JsonNode mine = alli("GET", "/mine", owner, null).json();
    assertThat(mine.get("title").asText()).isEmpty();
    assertThat(mine.get("state").asText()).isEmpty();
    assertThat(mine.at("/chats/1/rating").isNull()).isTrue();
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("conversations").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }
}
