package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.platform.testing.TestingKeys;
import dev.parley.standalone.TestingParley.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** GitBook's conversation ingest and read API through the REST gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitBookConversationsRestTest {
  private static final String INTERCOM_STYLE =
      """
      {"id": "215470", "subject": "Password reset",
       "metadata": {"url": "https://app.intercom.com/a/inbox/c/215470", "attributes": {"plan": "pro"},
                    "createdAt": "2026-04-01T08:30:00Z"},
       "parts": [{"type": "message", "role": "user", "body": "I cannot reset my password."},
                 {"type": "message", "role": "team-member", "body": "<p>Use the <b>Forgot</b> link.</p>"}]}
      """;

  private TestingParley parley;
  private String ingestKey;
  private String ingestKeyId;
  private String readKey;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    var key = TestingKeys.createKey(parley.database(), "gitbook-org", "conversations:ingest");
    ingestKey = key.secret();
    ingestKeyId = key.keyId();
    readKey = parley.key("gitbook-org", "conversation:read");
  }

  @Test
  void ingestAnswers204AndTheConversationReadsBackExactly() {
    Response ingested =
        parley.send(
            "POST", "/gitbook/v1/orgs/gitbook-org/conversations", ingestKey, INTERCOM_STYLE);

    assertThat(ingested.status()).isEqualTo(204);
    assertThat(ingested.body()).isEmpty();

    JsonNode list =
        parley
            .send(
                "GET",
                "/gitbook/v1/orgs/gitbook-org/conversations?source=integration:gitbook:"
                    + ingestKeyId,
                readKey,
                null)
            .json();
    assertThat(list.get("count").asInt()).isEqualTo(1);
    assertThat(list.has("next")).isFalse();
    String id = list.get("items").get(0).get("id").asText();
    String location = parley.baseUrl() + "/gitbook/v1/orgs/gitbook-org/conversations/" + id;
    JsonNode conversation =
        json(
            """
            {"object": "conversation", "id": "%s", "subject": "Password reset",
             "createdAt": "2026-04-01T08:30:00.000Z", "source": "integration:gitbook:%s",
             "urls": {"location": "%s", "source": "https://app.intercom.com/a/inbox/c/215470"}}
            """
                .formatted(id, ingestKeyId, location));
    assertThat(list.get("items").get(0)).isEqualTo(conversation);

    Response fetched =
        parley.send("GET", "/gitbook/v1/orgs/gitbook-org/conversations/" + id, readKey, null);
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.json())
        .isEqualTo(
            json(
                """
                {"conversation": %s,
                 "parts": [{"type": "message", "role": "user", "body": "I cannot reset my password."},
                           {"type": "message", "role": "team-member", "body": "<p>Use the <b>Forgot</b> link.</p>"}],
                 "metadata": {"url": "https://app.intercom.com/a/inbox/c/215470", "attributes": {"plan": "pro"},
                              "createdAt": "2026-04-01T08:30:00.000Z"}}
                """
                    .formatted(conversation)));
  }

  @Test
  void reIngestingTheSameIdFromTheSameSourceReplacesIt() {
    String key = parley.key("gitbook-idempotent", "conversations:ingest,conversation:read");
    String first =
        "{\"id\": \"d-1\", \"parts\": [{\"type\": \"message\", \"role\": \"user\", \"body\": \"v1\"}]}";
    String second =
        "{\"id\": \"d-1\", \"subject\": \"Updated\", \"parts\": [{\"type\": \"message\", \"role\": \"user\", \"body\": \"v1\"},"
            + " {\"type\": \"message\", \"role\": \"assistant\", \"body\": \"v2\"}]}";

    assertThat(
            parley
                .send("POST", "/gitbook/v1/orgs/gitbook-idempotent/conversations", key, first)
                .status())
        .isEqualTo(204);
    assertThat(
            parley
                .send("POST", "/gitbook/v1/orgs/gitbook-idempotent/conversations", key, second)
                .status())
        .isEqualTo(204);

    JsonNode list =
        parley.send("GET", "/gitbook/v1/orgs/gitbook-idempotent/conversations", key, null).json();
    assertThat(list.get("count").asInt()).isEqualTo(1);
    assertThat(list.get("items").get(0).get("subject").asText()).isEqualTo("Updated");
    String id = list.get("items").get(0).get("id").asText();
    assertThat(
            parley
                .send("GET", "/gitbook/v1/orgs/gitbook-idempotent/conversations/" + id, key, null)
                .json()
                .get("parts"))
        .hasSize(2);
  }

  @Test
  void ingestsArraysOfAHundredAndPagesWithCursors() {
    String key = parley.key("gitbook-batch", "conversations:ingest,conversation:read");
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      inputs.add(
          "{\"id\": \"b-%03d\", \"metadata\": {\"createdAt\": \"2026-05-01T00:%02d:%02dZ\"}, \"parts\": [{\"type\": \"message\", \"role\": \"user\", \"body\": \"question %d\"}]}"
              .formatted(i, i / 60, i % 60, i));
    }
    assertThat(
            parley
                .send(
                    "POST",
                    "/gitbook/v1/orgs/gitbook-batch/conversations",
                    key,
                    "[" + String.join(",", inputs) + "]")
                .status())
        .isEqualTo(204);
    assertThat(
            parley.send("POST", "/gitbook/v1/orgs/gitbook-batch/conversations", key, "[]").status())
        .isEqualTo(204);

    List<String> subjects = new ArrayList<>();
    String page = null;
    int pages = 0;
    do {
      JsonNode result =
          parley
              .send(
                  "GET",
                  "/gitbook/v1/orgs/gitbook-batch/conversations?limit=30"
                      + (page == null ? "" : "&page=" + page),
                  key,
                  null)
              .json();
      assertThat(result.get("count").asInt()).isEqualTo(100);
      result.get("items").forEach(item -> subjects.add(item.get("createdAt").asText()));
      page = result.has("next") ? result.get("next").get("page").asText() : null;
      pages++;
    } while (page != null);

    assertThat(pages).isEqualTo(4);
    assertThat(subjects).hasSize(100).doesNotHaveDuplicates();
    assertThat(subjects.getFirst()).isEqualTo("2026-05-01T00:01:39.000Z");
    assertThat(subjects.getLast()).isEqualTo("2026-05-01T00:00:00.000Z");
    JsonNode defaults =
        parley.send("GET", "/gitbook/v1/orgs/gitbook-batch/conversations", key, null).json();
    assertThat(defaults.get("items")).hasSize(100);
    assertThat(defaults.has("next")).isFalse();
  }

  @Test
  void badInputIsA400InGitBooksEnvelopeAndStoresNothing() {
    String key = parley.key("gitbook-bad", "conversations:ingest,conversation:read");
    String[][] cases = {
      {"\"just a string\"", "body: must be a ConversationInput object or an array of them"},
      {"{\"parts\": []}", "id: is required"},
      {"{\"id\": 12, \"parts\": []}", "id: must be a string"},
      {"{\"id\": \"\", \"parts\": []}", "id: must be 1..255 characters"},
      {"{\"id\": \"" + "x".repeat(256) + "\", \"parts\": []}", "id: must be 1..255 characters"},
      {"{\"id\": \"a\"}", "parts: is required and must be an array"},
      {
        "{\"id\": \"a\", \"subject\": \"" + "s".repeat(513) + "\", \"parts\": []}",
        "subject: must be at most 512 characters"
      },
      {
        "{\"id\": \"a\", \"parts\": [{\"type\": \"note\", \"role\": \"user\", \"body\": \"x\"}]}",
        "parts[0].type: must be 'message'"
      },
      {
        "{\"id\": \"a\", \"parts\": [{\"type\": \"message\", \"role\": \"bot\", \"body\": \"x\"}]}",
        "parts[0].role: must be user, assistant or team-member"
      },
      {
        "{\"id\": \"a\", \"parts\": [{\"type\": \"message\", \"role\": \"user\"}]}",
        "parts[0].body: is required"
      },
      {
        "{\"id\": \"a\", \"metadata\": {\"attributes\": {\"n\": 1}}, \"parts\": []}",
        "metadata.attributes.n: must be a string"
      },
      {
        "{\"id\": \"a\", \"metadata\": {\"createdAt\": \"May 1st\"}, \"parts\": []}",
        "metadata.createdAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z"
      },
      {
        "[{\"id\": \"ok\", \"parts\": []}, {\"id\": \"bad\", \"parts\": \"x\"}]",
        "[1].parts: is required and must be an array"
      },
    };
    for (String[] testCase : cases) {
      Response response =
          parley.send("POST", "/gitbook/v1/orgs/gitbook-bad/conversations", key, testCase[0]);
      assertError(response, 400, testCase[1]);
    }
    Response malformed =
        parley.send("POST", "/gitbook/v1/orgs/gitbook-bad/conversations", key, "{\"id\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.json().get("error").get("message").asText()).startsWith("Invalid request");
    assertThat(
            parley
                .send("GET", "/gitbook/v1/orgs/gitbook-bad/conversations", key, null)
                .json()
                .get("count")
                .asInt())
        .isZero();
    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-bad/conversations?limit=1001", key, null),
        400,
        "limit: must be within 0..1000");
    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-bad/conversations?page=nonsense", key, null),
        400,
        "page: is not a token from a previous page");
  }

  @Test
  void ingestAndReadNeedTheirOwnScopes() {
    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-org/conversations", ingestKey, null),
        403,
        "This API key lacks the scope for this operation; needs one of: conversation:read");
    assertError(
        parley.send("POST", "/gitbook/v1/orgs/gitbook-org/conversations", readKey, INTERCOM_STYLE),
        403,
        "This API key lacks the scope for this operation; needs one of: conversations:ingest");
    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-org/conversations", null, null),
        401,
        "Missing API key: send it as 'Authorization: Bearer <key>'");
  }

  @Test
  void anotherOrganizationDoesNotExistForTheCaller() {
    String other = parley.key("gitbook-other", "*");
    parley.send("POST", "/gitbook/v1/orgs/gitbook-org/conversations", ingestKey, INTERCOM_STYLE);
    String id =
        parley
            .send("GET", "/gitbook/v1/orgs/gitbook-org/conversations", readKey, null)
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asText();

    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-org/conversations", other, null),
        404,
        "Organization gitbook-org not found");
    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-org/conversations/" + id, other, null),
        404,
        "Organization gitbook-org not found");
    assertError(
        parley.send("POST", "/gitbook/v1/orgs/gitbook-org/conversations", other, INTERCOM_STYLE),
        404,
        "Organization gitbook-org not found");
    assertError(
        parley.send("GET", "/gitbook/v1/orgs/gitbook-other/conversations/" + id, other, null),
        404,
        "Conversation " + id + " not found");
    assertThat(
            parley
                .send("GET", "/gitbook/v1/orgs/gitbook-other/conversations", other, null)
                .json()
                .get("count")
                .asInt())
        .isZero();
  }

  @Test
  void conversationsOfOtherFrontDoorsReadAsGitBookConversations() {
    String key = parley.key("gitbook-cross", "*");
    parley.send(
        "POST",
        "/inkeep/conversations",
        key,
        """
        {"id": "from-inkeep", "type": "openai", "createdAt": "2026-06-01T00:00:00Z", "properties": {"page": "/docs", "n": 2},
         "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                      {"role": "assistant", "content": "hello"}]}
        """);

    JsonNode fetched =
        parley
            .send("GET", "/gitbook/v1/orgs/gitbook-cross/conversations/from-inkeep", key, null)
            .json();

    assertThat(fetched.get("conversation").get("source").asText())
        .startsWith("integration:inkeep:key_");
    assertThat(fetched.get("parts"))
        .isEqualTo(
            json(
                "[{\"type\": \"message\", \"role\": \"user\", \"body\": \"hi\"}, {\"type\": \"message\", \"role\": \"assistant\", \"body\": \"hello\"}]"));
    assertThat(fetched.get("metadata"))
        .isEqualTo(
            json(
                "{\"attributes\": {\"page\": \"/docs\"}, \"createdAt\": \"2026-06-01T00:00:00.000Z\"}"));
  }

  private static void assertError(Response response, int status, String message) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("content-type")).isEqualTo("application/json; charset=utf-8");
    assertThat(response.json())
        .isEqualTo(
            json(
                "{\"error\": {\"code\": %d, \"message\": \"%s\"}}"
                    .formatted(status, message.replace("\"", "\\\""))));
  }
}
