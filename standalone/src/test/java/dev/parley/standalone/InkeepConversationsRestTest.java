package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.platform.testing.TestingKeys;
import dev.parley.standalone.TestingParley.Response;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Inkeep Analytics' conversation API through the REST gateway: status, headers, exact JSON. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InkeepConversationsRestTest {
  private static final String LOG_BODY =
      """
      {"id": "conv_rest_1", "externalId": "ext-1", "externalUrl": "https://help.example.com/c/1",
       "type": "openai", "createdAt": "2026-02-01T10:00:00Z", "updatedAt": "2026-02-01T10:05:00+01:00",
       "projectId": "proj_1", "integrationId": "int_1", "visibility": "public",
       "properties": {"page": "/docs", "score": 3, "ratio": 0.5, "nested": {"ok": true}},
       "userProperties": {"id": "user-1", "identificationType": "COOKIED"},
       "tags": ["billing", "docs"],
       "unknownField": "ignored",
       "messages": [
         {"id": "m1", "role": "system", "content": "You are helpful.", "createdAt": "2026-02-01T10:00:00Z"},
         {"id": "m2", "role": "user", "name": "Ada", "createdAt": "2026-02-01T10:00:01Z",
          "content": [{"type": "text", "text": "What is this?"},
                      {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}]},
         {"id": "m3", "role": "assistant", "content": null, "createdAt": "2026-02-01T10:00:02Z",
          "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "search", "arguments": "{\\"q\\":\\"a\\"}"}}]},
         {"id": "m4", "role": "assistant", "content": "A picture.", "createdAt": "2026-02-01T10:00:03Z",
          "externalId": "msg-ext-4", "externalUrl": "https://help.example.com/m/4",
          "links": [{"url": "https://docs.example.com/images", "label": "Images", "type": "documentation"}],
          "properties": {"model": "gpt"}, "userProperties": {"id": "user-1"}}
       ]}
      """;

  private static final String EXPECTED =
      """
      {"id": "conv_rest_1", "externalId": "ext-1", "externalUrl": "https://help.example.com/c/1",
       "type": "openai", "supportTicketConversationId": null,
       "createdAt": "2026-02-01T10:00:00.000Z", "updatedAt": "2026-02-01T09:05:00.000Z",
       "projectId": "proj_1", "integrationId": "int_1",
       "properties": {"page": "/docs", "score": 3, "ratio": 0.5, "nested": {"ok": true}},
       "userProperties": {"id": "user-1", "identificationType": "COOKIED"},
       "tags": ["billing", "docs"], "visibility": "public",
       "messages": [
         {"id": "m1", "type": "openai", "conversationId": "conv_rest_1",
          "createdAt": "2026-02-01T10:00:00.000Z", "updatedAt": "%1$s",
          "externalId": null, "externalUrl": null, "role": "system", "content": "You are helpful.",
          "name": null, "links": null, "properties": null, "userProperties": null, "tool_calls": null},
         {"id": "m2", "type": "openai", "conversationId": "conv_rest_1",
          "createdAt": "2026-02-01T10:00:01.000Z", "updatedAt": "%1$s",
          "externalId": null, "externalUrl": null, "role": "user",
          "content": [{"type": "text", "text": "What is this?"},
                      {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}],
          "name": "Ada", "links": null, "properties": null, "userProperties": null, "tool_calls": null},
         {"id": "m3", "type": "openai", "conversationId": "conv_rest_1",
          "createdAt": "2026-02-01T10:00:02.000Z", "updatedAt": "%1$s",
          "externalId": null, "externalUrl": null, "role": "assistant", "content": null,
          "name": null, "links": null, "properties": null, "userProperties": null,
          "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "search", "arguments": "{\\"q\\":\\"a\\"}"}}]},
         {"id": "m4", "type": "openai", "conversationId": "conv_rest_1",
          "createdAt": "2026-02-01T10:00:03.000Z", "updatedAt": "%1$s",
          "externalId": "msg-ext-4", "externalUrl": "https://help.example.com/m/4", "role": "assistant",
          "content": "A picture.", "name": null,
          "links": [{"url": "https://docs.example.com/images", "label": "Images", "type": "documentation"}],
          "properties": {"model": "gpt"}, "userProperties": {"id": "user-1"}, "tool_calls": null}
       ],
       "messagesOpenAIFormat": [
         {"role": "system", "content": "You are helpful."},
         {"role": "user", "name": "Ada",
          "content": [{"type": "text", "text": "What is this?"},
                      {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}]},
         {"role": "assistant", "content": null,
          "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "search", "arguments": "{\\"q\\":\\"a\\"}"}}]},
         {"role": "assistant", "content": "A picture."}
       ]}
      """;

  private TestingParley parley;
  private String acme;
  private String globex;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    acme = parley.key("inkeep-acme", "conversation:read,conversation:write");
    globex = parley.key("inkeep-globex", "*");
  }

  @Test
  void logConversationAnswersWithTheStoredConversationExactly() {
    Response response = parley.send("POST", "/inkeep/conversations", acme, LOG_BODY);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("content-type")).isEqualTo("application/json; charset=utf-8");
    assertThat(response.header("x-request-id")).startsWith("req_");
    assertThat(response.raw().headers().map().keySet()).noneMatch(name -> name.startsWith("grpc-"));
    assertThat(response.json()).isEqualTo(expected(response.json()));
    assertThat(response.json().get("messages").get(0).get("updatedAt").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    Response fetched = parley.send("GET", "/inkeep/conversations/conv_rest_1", acme, null);
    assertThat(fetched.status()).isEqualTo(200);
    assertThat(fetched.json()).isEqualTo(response.json());
    Response byExternal = parley.send("GET", "/inkeep/conversations/external/ext-1", acme, null);
    assertThat(byExternal.status()).isEqualTo(200);
    assertThat(byExternal.json()).isEqualTo(response.json());
  }

  @Test
  void relogReplacesTheMessageListAndKeepsStoredIds() {
    parley.send(
        "POST",
        "/inkeep/conversations",
        acme,
        """
        {"id": "conv_relog", "type": "openai", "createdAt": "2026-02-02T00:00:00Z",
         "messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "answer"}]}
        """);
    JsonNode first = parley.send("GET", "/inkeep/conversations/conv_relog", acme, null).json();

    JsonNode second =
        parley
            .send(
                "POST",
                "/inkeep/conversations",
                acme,
                """
                {"id": "conv_relog", "type": "openai",
                 "messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "answer"},
                              {"role": "user", "content": "follow-up"}]}
                """)
            .json();

    assertThat(second.get("messages")).hasSize(3);
    assertThat(second.get("messages").get(0).get("id"))
        .isEqualTo(first.get("messages").get(0).get("id"));
    assertThat(second.get("messages").get(1).get("id"))
        .isEqualTo(first.get("messages").get(1).get("id"));
    assertThat(second.get("createdAt").asText()).isEqualTo("2026-02-02T00:00:00.000Z");
    assertThat(second.get("messages").get(2).get("content").asText()).isEqualTo("follow-up");
  }

  @Test
  void relogKeepsWhatTheCallerDidNotMentionAndClearsWhatItNulls() {
    Response logged =
        parley.send(
            "POST",
            "/inkeep/conversations",
            acme,
            """
            {"id": "conv_keep", "type": "openai", "externalId": "ext-keep",
             "externalUrl": "https://crm.example.com/c/1", "projectId": "proj-1",
             "integrationId": "int-1", "supportTicketConversationId": "tk-1",
             "properties": {"plan": "pro"}, "userProperties": {"id": "u-1"},
             "tags": ["billing"], "visibility": "public",
             "messages": [{"role": "user", "content": "first"}]}
            """);
    assertThat(logged.status()).as(logged.body()).isEqualTo(200);
    assertThat(
            parley
                .send(
                    "PATCH",
                    "/bedrock/conversation/conv_keep/title",
                    acme,
                    "{\"newTitle\": \"Billing question\"}")
                .status())
        .isEqualTo(200);

    // Again without externalId and the rest: every stored value stays, messages are replaced.
    JsonNode again =
        parley
            .send(
                "POST",
                "/inkeep/conversations",
                acme,
                """
                {"id": "conv_keep", "type": "openai",
                 "messages": [{"role": "user", "content": "first"},
                              {"role": "assistant", "content": "answer"}]}
                """)
            .json();
    assertThat(fields(again))
        .isEqualTo(
            json(
                """
                {"externalId": "ext-keep", "externalUrl": "https://crm.example.com/c/1",
                 "projectId": "proj-1", "integrationId": "int-1",
                 "supportTicketConversationId": "tk-1", "properties": {"plan": "pro"},
                 "userProperties": {"id": "u-1"}, "tags": ["billing"], "visibility": "public"}
                """));
    assertThat(again.get("messages")).hasSize(2);
    assertThat(parley.send("GET", "/inkeep/conversations/external/ext-keep", acme, null).status())
        .isEqualTo(200);
    assertThat(
            parley.send("GET", "/bedrock/conversation/conv_keep", acme, null).json().get("title"))
        .isEqualTo(json("\"Billing question\""));

    // An explicit null clears; an empty list is an empty list.
    JsonNode cleared =
        parley
            .send(
                "POST",
                "/inkeep/conversations",
                acme,
                """
                {"id": "conv_keep", "type": "openai", "externalId": null, "externalUrl": null,
                 "projectId": null, "integrationId": null, "supportTicketConversationId": null,
                 "properties": null, "userProperties": null, "tags": [], "visibility": null,
                 "messages": [{"role": "user", "content": "first"}]}
                """)
            .json();
    assertThat(fields(cleared))
        .isEqualTo(
            json(
                """
                {"externalId": null, "externalUrl": null, "projectId": null,
                 "integrationId": null, "supportTicketConversationId": null,
                 "properties": null, "userProperties": null, "tags": [], "visibility": null}
                """));
    assertThat(parley.send("GET", "/inkeep/conversations/conv_keep", acme, null).json().get("tags"))
        .isEqualTo(json("[]"));
    assertThat(parley.send("GET", "/inkeep/conversations/external/ext-keep", acme, null).status())
        .isEqualTo(404);
    Response wrongType =
        parley.send(
            "POST",
            "/inkeep/conversations",
            acme,
            "{\"id\": \"conv_keep\", \"type\": \"openai\", \"externalId\": 7,"
                + " \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");
    assertProblem(wrongType, 400, "bad_request", "externalId: must be a string or null");
  }

  private static JsonNode fields(JsonNode conversation) {
    com.fasterxml.jackson.databind.node.ObjectNode picked =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (String name :
        List.of(
            "externalId",
            "externalUrl",
            "projectId",
            "integrationId",
            "supportTicketConversationId",
            "properties",
            "userProperties",
            "tags",
            "visibility")) {
      picked.set(name, conversation.get(name));
    }
    return picked;
  }

  @Test
  void generatesIdsAndTimesWhenAbsent() {
    Response response =
        parley.send(
            "POST",
            "/inkeep/conversations",
            acme,
            """
            {"type": "support_ticket", "messages": [{"role": "customer", "content": null}, {"role": "agent"}]}
            """);

    assertThat(response.status()).isEqualTo(200);
    JsonNode body = response.json();
    assertThat(body.get("id").asText()).startsWith("conv_");
    assertThat(body.get("type").asText()).isEqualTo("support_ticket");
    assertThat(body.has("messagesOpenAIFormat")).isTrue();
    assertThat(body.get("messagesOpenAIFormat")).isEmpty();
    assertThat(body.get("messages").get(0).has("tool_calls")).isFalse();
    assertThat(body.get("messages").get(1).get("content").isNull()).isTrue();
    assertThat(body.get("createdAt").asText()).isEqualTo(body.get("updatedAt").asText());
  }

  @Test
  void listsNewestFirstWithLimitAndOffset() {
    String key = parley.key("inkeep-paging", "conversation:read,conversation:write");
    for (int i = 1; i <= 25; i++) {
      parley.send(
          "POST",
          "/inkeep/conversations",
          key,
          """
          {"id": "page-%02d", "type": "openai", "createdAt": "2026-03-01T00:00:%02dZ",
           "messages": [{"role": "user", "content": "q%d"}]}
          """
              .formatted(i, i, i));
    }

    JsonNode defaults = parley.send("GET", "/inkeep/conversations", key, null).json();
    assertThat(defaults.get("total").asInt()).isEqualTo(25);
    assertThat(defaults.get("pageSize").asInt()).isEqualTo(20);
    assertThat(defaults.get("count").asInt()).isEqualTo(20);
    assertThat(defaults.get("conversations").get(0).get("id").asText()).isEqualTo("page-25");

    JsonNode last =
        parley.send("GET", "/inkeep/conversations?limit=10&offset=20", key, null).json();
    assertThat(last.get("count").asInt()).isEqualTo(5);
    assertThat(last.get("conversations").get(4).get("id").asText()).isEqualTo("page-01");

    JsonNode empty = parley.send("GET", "/inkeep/conversations?limit=0", key, null).json();
    assertThat(empty)
        .isEqualTo(json("{\"conversations\": [], \"total\": 25, \"pageSize\": 0, \"count\": 0}"));

    JsonNode beyond =
        parley.send("GET", "/inkeep/conversations?limit=100&offset=1000", key, null).json();
    assertThat(beyond.get("count").asInt()).isZero();

    assertProblem(
        parley.send("GET", "/inkeep/conversations?limit=101", key, null),
        400,
        "bad_request",
        "limit: must be within 0..100");
    assertProblem(
        parley.send("GET", "/inkeep/conversations?offset=-1", key, null),
        400,
        "bad_request",
        "offset: must be 0 or more");
    assertProblem(
        parley.send("GET", "/inkeep/conversations?limit=ten", key, null), 400, "bad_request", null);
  }

  @Test
  void deleteAnswersSuccessAndTheConversationIsGone() {
    parley.send(
        "POST",
        "/inkeep/conversations",
        acme,
        "{\"id\": \"conv_delete\", \"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}");

    Response deleted = parley.send("DELETE", "/inkeep/conversations/conv_delete", acme, null);

    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json())
        .isEqualTo(json("{\"success\": true, \"message\": \"Conversation conv_delete deleted\"}"));
    assertProblem(
        parley.send("GET", "/inkeep/conversations/conv_delete", acme, null),
        404,
        "not_found",
        "Conversation conv_delete not found");
    assertProblem(
        parley.send("DELETE", "/inkeep/conversations/conv_delete", acme, null),
        404,
        "not_found",
        "Conversation conv_delete not found");
  }

  @Test
  void notFoundIsProblemJsonWithTheRequestId() {
    Response response =
        parley.send(
            "GET", "/inkeep/conversations/missing", acme, null, "X-Request-Id", "trace-123");

    assertThat(response.status()).isEqualTo(404);
    assertThat(response.header("content-type")).isEqualTo("application/problem+json");
    assertThat(response.header("x-request-id")).isEqualTo("trace-123");
    assertThat(response.json())
        .isEqualTo(
            json(
                """
                {"title": "Not Found", "status": 404, "detail": "Conversation missing not found",
                 "instance": "/inkeep/conversations/missing", "requestId": "trace-123", "code": "not_found",
                 "error": {"code": "not_found", "message": "Conversation missing not found"}}
                """));
    assertProblem(
        parley.send("GET", "/inkeep/conversations/external/missing", acme, null),
        404,
        "not_found",
        "No conversation with external id missing");
  }

  @Test
  void badInputIsAClearBadRequestAndStoresNothing() {
    String[][] cases = {
      {"{not json", null},
      {"[1, 2]", null},
      {"{\"type\": \"openai\", \"messages\": \"hello\"}", null},
      {
        "{\"type\": \"openai\", \"tags\": \"billing\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "tags: must be an array of strings or null"
      },
      {"{\"type\": \"openai\", \"messages\": []}", "messages: must contain at least one message"},
      {"{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}", "type: is required"},
      {
        "{\"type\": \"chat\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "type: must be openai, support_ticket or support_copilot"
      },
      {
        "{\"type\": \"openai\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}",
        "messages[0].role: must be system, user or assistant in openai conversations"
      },
      {
        "{\"type\": \"openai\", \"messages\": [{\"role\": \"user\"}]}",
        "messages[0].content: is required in openai conversations"
      },
      {
        "{\"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"audio\"}]}]}",
        "messages[0].content[0].type: must be 'text' or 'image_url'"
      },
      {
        "{\"type\": \"openai\", \"createdAt\": \"yesterday\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "createdAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z"
      },
      {
        "{\"type\": \"openai\", \"createdAt\": \"2026-01-01T00:00:00\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "createdAt: must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T12:00:00Z"
      },
      {
        "{\"type\": \"openai\", \"visibility\": \"team\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "visibility: must be private or public"
      },
      {
        "{\"type\": \"support_ticket\", \"messages\": [{\"role\": \"agent\", \"content\": \"x\", \"tool_calls\": []}]}",
        "messages[0].tool_calls: are only allowed in openai conversations"
      },
      {
        "{\"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \"x\", \"links\": [{\"label\": \"no url\"}]}]}",
        "messages[0].links[0].url: is required"
      },
      {
        "{\"id\": \"has/slash\", \"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
        "id: must not contain whitespace, control characters or '/'"
      },
      {
        "{\"type\": \"openai\", \"messages\": [{\"id\": \"same\", \"role\": \"user\", \"content\": \"x\"}, {\"id\": \"same\", \"role\": \"user\", \"content\": \"y\"}]}",
        "messages[1].id: duplicate message id same"
      },
    };
    String key = parley.key("inkeep-bad-input", "conversation:read,conversation:write");
    for (String[] testCase : cases) {
      Response response = parley.send("POST", "/inkeep/conversations", key, testCase[0]);
      assertProblem(response, 400, "bad_request", testCase[1]);
    }
    assertThat(parley.send("GET", "/inkeep/conversations", key, null).json().get("total").asInt())
        .isZero();
  }

  @Test
  void bodiesOverTwoMegabytesAre413() {
    String big =
        "{\"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \""
            + "a".repeat(2 * 1024 * 1024)
            + "\"}]}";
    assertProblem(
        parley.send("POST", "/inkeep/conversations", acme, big),
        413,
        "bad_request",
        "The request body is larger than the limit of this endpoint");

    String justUnder =
        "{\"id\": \"conv_big\", \"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \""
            + "a".repeat(2 * 1024 * 1024 - 200)
            + "\"}]}";
    assertThat(parley.send("POST", "/inkeep/conversations", acme, justUnder).status())
        .isEqualTo(200);
  }

  @Test
  void missingInvalidAndRevokedKeysAre401() {
    assertProblem(
        parley.send("GET", "/inkeep/conversations", null, null),
        401,
        "unauthorized",
        "Missing API key: send it as 'Authorization: Bearer <key>'");
    assertProblem(
        parley.send("GET", "/inkeep/conversations", "pk_wrong", null),
        401,
        "unauthorized",
        "Invalid or revoked API key");
    assertProblem(
        parley.send(
            "GET", "/inkeep/conversations", null, null, "Authorization", "Basic dXNlcjpwYXNz"),
        401,
        "unauthorized",
        "Missing API key: send it as 'Authorization: Bearer <key>'");

    var key = TestingKeys.createKey(parley.database(), "inkeep-revoke", "*");
    assertThat(parley.send("GET", "/inkeep/conversations", key.secret(), null).status())
        .isEqualTo(200);
    TestingKeys.revoke(parley.database(), key.keyId());
    long deadline = System.nanoTime() + 5_000_000_000L;
    int status = 200;
    while (status == 200 && System.nanoTime() < deadline) {
      status = parley.send("GET", "/inkeep/conversations", key.secret(), null).status();
    }
    assertThat(status).as("a revoked key is refused within the key cache time").isEqualTo(401);
  }

  @Test
  void webKeysAreWriteOnlyAsAtInkeep() {
    String web = parley.key("inkeep-web", "conversation:write");
    String body =
        "{\"id\": \"conv_web\", \"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}";

    assertThat(parley.send("POST", "/inkeep/conversations", web, body).status()).isEqualTo(200);
    assertThat(parley.send("GET", "/inkeep/conversations/conv_web", web, null).status())
        .isEqualTo(200);
    String denied =
        "This API key lacks the scope for this operation; needs one of: conversation:read";
    assertProblem(parley.send("GET", "/inkeep/conversations", web, null), 403, "forbidden", denied);
    assertProblem(
        parley.send("GET", "/inkeep/conversations/external/x", web, null),
        403,
        "forbidden",
        denied);
    assertThat(parley.send("DELETE", "/inkeep/conversations/conv_web", web, null).status())
        .isEqualTo(200);

    String readOnly = parley.key("inkeep-web", "conversation:read");
    String writeDenied =
        "This API key lacks the scope for this operation; needs one of: conversation:write";
    assertProblem(
        parley.send("POST", "/inkeep/conversations", readOnly, body),
        403,
        "forbidden",
        writeDenied);
    assertProblem(
        parley.send("DELETE", "/inkeep/conversations/conv_web", readOnly, null),
        403,
        "forbidden",
        writeDenied);
  }

  @Test
  void anotherTenantCannotReadChangeOrLearnOfAConversation() {
    parley.send(
        "POST",
        "/inkeep/conversations",
        acme,
        "{\"id\": \"conv_private\", \"externalId\": \"ext-private\", \"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \"acme only\"}]}");

    assertProblem(
        parley.send("GET", "/inkeep/conversations/conv_private", globex, null),
        404,
        "not_found",
        "Conversation conv_private not found");
    assertProblem(
        parley.send("GET", "/inkeep/conversations/external/ext-private", globex, null),
        404,
        "not_found",
        "No conversation with external id ext-private");
    assertProblem(
        parley.send("DELETE", "/inkeep/conversations/conv_private", globex, null),
        404,
        "not_found",
        "Conversation conv_private not found");
    JsonNode list = parley.send("GET", "/inkeep/conversations?limit=100", globex, null).json();
    assertThat(list.get("conversations").findValuesAsText("id")).doesNotContain("conv_private");

    // Logging the same id as another tenant creates that tenant's own conversation.
    Response own =
        parley.send(
            "POST",
            "/inkeep/conversations",
            globex,
            "{\"id\": \"conv_private\", \"type\": \"openai\", \"messages\": [{\"role\": \"user\", \"content\": \"globex\"}]}");
    assertThat(own.status()).isEqualTo(200);
    JsonNode acmeCopy = parley.send("GET", "/inkeep/conversations/conv_private", acme, null).json();
    assertThat(acmeCopy.get("messages").get(0).get("content").asText()).isEqualTo("acme only");
    assertThat(acmeCopy.get("externalId").asText()).isEqualTo("ext-private");
  }

  @Test
  void unknownRoutesAndMethodsAnswerInTheDialectsShape() {
    assertProblem(
        parley.send("PUT", "/inkeep/conversations", acme, "{}"),
        405,
        "not_found",
        "Method PUT is not allowed on /inkeep/conversations");
    assertProblem(
        parley.send("GET", "/inkeep/nothing-here", acme, null),
        404,
        "not_found",
        "No such endpoint: GET /inkeep/nothing-here");
  }

  private static void assertProblem(Response response, int status, String code, String detail) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.header("content-type")).isEqualTo("application/problem+json");
    JsonNode body = response.json();
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("code").asText()).isEqualTo(code);
    assertThat(body.get("error").get("code").asText()).isEqualTo(code);
    assertThat(body.get("title").asText()).isNotBlank();
    assertThat(body.get("requestId").asText()).isEqualTo(response.header("x-request-id"));
    assertThat(body.get("error").get("message")).isEqualTo(body.get("detail"));
    if (detail != null) {
      assertThat(body.get("detail").asText()).isEqualTo(detail);
    } else {
      assertThat(body.get("detail").asText())
          .startsWith("Invalid request")
          .doesNotContain("Exception");
    }
  }

  /** The expected body, with the server-chosen message update times taken from the actual one. */
  private static JsonNode expected(JsonNode actual) {
    String updateTime = actual.get("messages").get(0).get("updatedAt").asText();
    ObjectNode expected = (ObjectNode) json(EXPECTED.formatted(updateTime));
    for (int i = 0; i < 4; i++) {
      ((ObjectNode) expected.get("messages").get(i))
          .put("updatedAt", actual.get("messages").get(i).get("updatedAt").asText());
    }
    return expected;
  }
}
