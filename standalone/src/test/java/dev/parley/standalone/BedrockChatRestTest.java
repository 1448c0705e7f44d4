package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.standalone.TestingParley.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Bedrock Chat's chat through the REST gateway: POST /conversation answered by a run (the local
 * provider from the tenant's knowledge, or the OpenAI-compatible test server by model name), the
 * stored tree, branches, continue, proposed titles and related documents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BedrockChatRestTest {
  private static final String TENANT = "bedrock-chat";
  private static final String REFUNDS_ANSWER =
      "From the knowledge base:\n\nRefunds reach your card within five business days. [1]\n\n"
          + "Sources:\n[1] Refund policy (https://help.example.com/refunds)";
  private static final String NOTHING_FOUND =
      "I could not find anything about this in the knowledge base, so I cannot answer it.";

  private TestingParley parley;
  private String key;
  private String refundsId;
  private String giftCardsId;
  private byte[] giftCardsPdf;

  @BeforeAll
  void start() throws SQLException, java.io.IOException {
    parley = TestingParley.get();
    key = parley.key(TENANT, "conversation:read,conversation:write,knowledge:write");
    refundsId =
        addDocument(
            key,
            "Refund policy",
            "Refunds reach your card within five business days. Our shop is open every day.",
            "https://help.example.com/refunds");
    addDocument(key, "Shipping", "Parcels leave our warehouse in Lyon by truck.", null);
    giftCardsPdf = TestPdfs.pdf("Gift cards never expire and can be used in every shop.");
    Response uploaded =
        parley.sendBytes(
            "POST",
            "/parley/v1/knowledge-documents?title=Gift%20cards",
            key,
            giftCardsPdf,
            "application/pdf");
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
    giftCardsId = uploaded.json().get("id").asText();
    awaitEmbedded(TENANT, 3);
  }

  @Test
  void aRelatedTextDocumentIsPreviewedByItsFirstCharacters() {
    assertThat(
            chat(
                    key,
                    message(
                        "chat-preview-text",
                        "How many days until my refund reaches my card?",
                        "claude-v3-haiku",
                        null,
                        null))
                .status())
        .isEqualTo(200);
    Response preview =
        parley.send(
            "GET",
            "/bedrock/conversation/chat-preview-text/related-documents/" + refundsId + "/preview",
            key,
            null);
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    assertThat(preview.json())
        .isEqualTo(
            json(
                """
                {"sourceId": "%s", "sourceName": "Refund policy", "contentType": "text",
                 "text": "Refunds reach your card within five business days. Our shop is open every day.",
                 "url": null, "pageCount": null, "sizeBytes": 78}
                """
                    .formatted(refundsId)));
    Response uncited =
        parley.send(
            "GET",
            "/bedrock/conversation/chat-preview-text/related-documents/" + giftCardsId + "/preview",
            key,
            null);
    assertThat(uncited.status()).isEqualTo(404);
    assertThat(uncited.json())
        .isEqualTo(json("{\"errors\": [\"Related document " + giftCardsId + " not found\"]}"));
  }

  @Test
  void aRelatedPdfIsPreviewedThroughASignedLinkThatAlteringBreaks() throws Exception {
    Response answered =
        chat(
            key,
            message("chat-preview-pdf", "Do gift cards expire?", "claude-v3-haiku", null, null));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(answered.json().at("/message/content/0/body").asText())
        .contains("Gift cards never expire and can be used in every shop. [1]");
    Response preview =
        parley.send(
            "GET",
            "/bedrock/conversation/chat-preview-pdf/related-documents/" + giftCardsId + "/preview",
            key,
            null);
    assertThat(preview.status()).as(preview.body()).isEqualTo(200);
    ObjectNode body = (ObjectNode) preview.json();
    String url = body.remove("url").asText();
    assertThat(body)
        .isEqualTo(
            json(
                """
                {"sourceId": "%s", "sourceName": "Gift cards", "contentType": "pdf",
                 "text": null, "pageCount": 1, "sizeBytes": %d}
                """
                    .formatted(giftCardsId, giftCardsPdf.length)));
    String prefix = parley.baseUrl() + "/parley/v1/knowledge-documents/" + giftCardsId + "/file?";
    assertThat(url).startsWith(prefix).contains("tenant=" + TENANT).contains("&signature=");
    long expires = Long.parseLong(url.replaceAll(".*[?&]expires=(\\d+).*", "$1"));
    assertThat(expires - System.currentTimeMillis() / 1000).isBetween(14 * 60L, 15 * 60L + 5);

    // The link needs no key and serves the file as uploaded.
    String path = url.substring(parley.baseUrl().length());
    java.net.http.HttpResponse<byte[]> file =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.headers().firstValue("content-type")).hasValue("application/pdf");
    assertThat(file.body()).isEqualTo(giftCardsPdf);
    // Altered in any part, it is refused; nothing is read.
    for (String altered :
        List.of(
            path.replace("tenant=" + TENANT, "tenant=bedrock-chat-other"),
            path.replace("expires=" + expires, "expires=" + (expires + 3600)),
            path.replaceAll("signature=.", "signature=A"),
            path.replace(giftCardsId, refundsId),
            path.replaceAll("&signature=[^&]*", ""))) {
      Response refused = parley.send("GET", altered, null, null);
      assertThat(refused.status()).as(altered).isEqualTo(403);
      assertThat(refused.json())
          .isEqualTo(
              json(
                  "{\"code\": 7, \"message\": \"This link has expired or was altered\","
                      + " \"details\": [{\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\","
                      + " \"reason\": \"PERMISSION_DENIED\", \"domain\": \"parley.dev\","
                      + " \"metadata\": {\"requestId\": \""
                      + refused.header("x-request-id")
                      + "\"}}]}"));
    }
  }

  private String addDocument(String key, String title, String content, String link) {
    ObjectNode body = (ObjectNode) json("{}");
    body.put("title", title).put("content", content);
    if (link != null) {
      body.put("sourceLink", link);
    }
    Response created = parley.send("POST", "/parley/v1/knowledge-documents", key, body.toString());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asText();
  }

  /** Waits until the tenant's passages carry their vectors (the background embeds them). */
  private void awaitEmbedded(String tenant, int passages) throws SQLException {
    DatabaseConfig database = parley.database();
    try (Connection owner =
        DriverManager.getConnection(
            database.jdbcUrl(), database.ownerUser(), database.ownerPassword())) {
      int embedded =
          TestingParley.eventually(
              () -> {
                try (Statement statement = owner.createStatement();
                    ResultSet rows =
                        statement.executeQuery(
                            "SELECT count(*) FROM conversation.knowledge_chunk WHERE tenant_id = '"
                                + tenant
                                + "' AND embedding IS NOT NULL")) {
                  rows.next();
                  return rows.getInt(1);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              },
              count -> count >= passages);
      assertThat(embedded).isGreaterThanOrEqualTo(passages);
    }
  }

  private Response chat(String key, String body) {
    return parley.send("POST", "/bedrock/conversation", key, body);
  }

  private static String message(
      String conversationId, String text, String model, String parent, String messageId) {
    return """
        {"conversationId": "%s", "botId": null,
         "message": {"role": "user", "model": "%s", "parentMessageId": %s,%s
                     "content": [{"contentType": "text", "body": "%s"}]}}
        """
        .formatted(
            conversationId,
            model,
            parent == null ? "null" : "\"" + parent + "\"",
            messageId == null ? "" : " \"messageId\": \"" + messageId + "\",",
            text);
  }

  private JsonNode tree(String key, String conversationId) {
    Response got = parley.send("GET", "/bedrock/conversation/" + conversationId, key, null);
    assertThat(got.status()).as(got.body()).isEqualTo(200);
    return got.json();
  }

  @Test
  void aNewChatIsAnsweredFromTheKnowledgeWithTheRightCitation() {
    Response answered =
        chat(
            key,
            message(
                "chat-new",
                "How many days until my refund reaches my card?",
                "claude-v3-haiku",
                null,
                "u-1"));

    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    JsonNode output = answered.json();
    double createTime = output.get("createTime").asDouble();
    assertThat(createTime).isPositive();
    assertThat(output)
        .isEqualTo(
            json(
                """
                {"conversationId": "chat-new", "botId": null, "createTime": %s,
                 "message": {"role": "assistant",
                   "content": [{"contentType": "text", "body": %s}],
                   "model": "claude-v3-haiku", "children": [], "parent": "u-1",
                   "feedback": null, "thinkingLog": null,
                   "usedChunks": [{"content": "%s", "contentType": "url",
                                   "source": "https://help.example.com/refunds", "rank": 1}]}}
                """
                    .formatted(
                        output.get("createTime").toString(),
                        com.fasterxml.jackson.databind.node.TextNode.valueOf(REFUNDS_ANSWER)
                            .toString(),
                        "Refunds reach your card within five business days. Our shop is open"
                            + " every day.")));

    JsonNode tree = tree(key, "chat-new");
    String answerId = tree.get("lastMessageId").asText();
    assertThat(answerId).startsWith("msg_");
    ObjectNode expected =
        (ObjectNode)
            json(
                """
                {"id": "chat-new", "title": "New conversation", "botId": null,
                 "shouldContinue": false, "lastMessageId": "%s",
                 "messageMap": {
                   "system": {"role": "system", "content": [{"contentType": "text", "body": ""}],
                              "model": "claude-v3-haiku", "children": ["u-1"], "parent": null,
                              "feedback": null, "usedChunks": null, "thinkingLog": null},
                   "u-1": {"role": "user",
                           "content": [{"contentType": "text",
                                        "body": "How many days until my refund reaches my card?"}],
                           "model": "claude-v3-haiku", "children": ["%s"], "parent": "system",
                           "feedback": null, "usedChunks": null, "thinkingLog": null}}}
                """
                    .formatted(answerId, answerId));
    ((ObjectNode) expected.get("messageMap")).set(answerId, output.get("message"));
    expected.set("createTime", tree.get("createTime"));
    assertThat(tree).isEqualTo(expected);
    assertThat(tree.get("createTime").asDouble()).isEqualTo(createTime);

    // The cited document is related to the conversation.
    Response related =
        parley.send("GET", "/bedrock/conversation/chat-new/related-documents", key, null);
    assertThat(related.status()).isEqualTo(200);
    JsonNode document =
        json(
            """
            {"content": {"text": "Refunds reach your card within five business days. Our shop is open every day."},
             "sourceId": "%s", "sourceName": "Refund policy",
             "sourceLink": "https://help.example.com/refunds", "pageNumber": null}
            """
                .formatted(refundsId));
    assertThat(related.json()).isEqualTo(json("[" + document + "]"));
    assertThat(
            parley
                .send(
                    "GET",
                    "/bedrock/conversation/chat-new/related-documents/" + refundsId,
                    key,
                    null)
                .json())
        .isEqualTo(document);
    Response unknown =
        parley.send("GET", "/bedrock/conversation/chat-new/related-documents/doc_x", key, null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json())
        .isEqualTo(json("{\"errors\": [\"Related document doc_x not found\"]}"));

    // Related documents go with their conversation.
    assertThat(parley.send("DELETE", "/bedrock/conversation/chat-new", key, null).status())
        .isEqualTo(200);
    assertThat(
            parley
                .send("GET", "/bedrock/conversation/chat-new/related-documents", key, null)
                .status())
        .isEqualTo(404);
  }

  @Test
  void theBotOfTheFirstMessageIsKeptWithTheConversation() {
    Response answered =
        chat(
            key,
            """
            {"conversationId": "chat-bot", "botId": "bot-7",
             "message": {"role": "user", "model": "claude-v3-haiku", "parentMessageId": null,
                         "content": [{"contentType": "text", "body": "Hello bot"}]}}
            """);
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(answered.json().get("botId").asText()).isEqualTo("bot-7");
    assertThat(tree(key, "chat-bot").get("botId").asText()).isEqualTo("bot-7");
    JsonNode listed = parley.send("GET", "/bedrock/conversations", key, null).json();
    JsonNode meta =
        listed
            .valueStream()
            .filter(item -> item.get("id").asText().equals("chat-bot"))
            .findFirst()
            .orElseThrow();
    assertThat(meta)
        .isEqualTo(
            json(
                """
                {"id": "chat-bot", "title": "New conversation", "createTime": %s,
                 "model": "claude-v3-haiku", "botId": "bot-7"}
                """
                    .formatted(meta.get("createTime").toString())));
  }

  @Test
  void anUnrelatedQuestionIsAnsweredWithNothingFound() {
    Response answered =
        chat(
            key,
            message(
                "chat-unrelated",
                "What is the airspeed velocity of an unladen swallow?",
                "claude-v3-haiku",
                null,
                null));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(answered.json().at("/message/content/0/body").asText()).isEqualTo(NOTHING_FOUND);
    assertThat(answered.json().at("/message/usedChunks")).isEqualTo(json("[]"));
    assertThat(
            parley
                .send("GET", "/bedrock/conversation/chat-unrelated/related-documents", key, null)
                .json())
        .isEqualTo(json("[]"));
  }

  @Test
  void followUpsAppendAndEditsBranchFromTheRoot() {
    assertThat(
            chat(key, message("chat-branch", "Hello there", "claude-v3-haiku", null, "b-1"))
                .status())
        .isEqualTo(200);
    String firstAnswer = tree(key, "chat-branch").get("lastMessageId").asText();
    // A follow-up: parentMessageId null appends after the last message.
    assertThat(
            chat(key, message("chat-branch", "And refunds?", "claude-v3-haiku", null, "b-2"))
                .status())
        .isEqualTo(200);
    // An edit of the first message: a sibling under the root.
    assertThat(
            chat(key, message("chat-branch", "Hello again", "claude-v3-haiku", "system", "b-3"))
                .status())
        .isEqualTo(200);
    // A regenerate-like branch after the first answer.
    assertThat(
            chat(key, message("chat-branch", "Refunds?", "claude-v3-haiku", firstAnswer, "b-4"))
                .status())
        .isEqualTo(200);

    JsonNode map = tree(key, "chat-branch").get("messageMap");
    assertThat(map.at("/system/children")).isEqualTo(json("[\"b-1\", \"b-3\"]"));
    assertThat(map.at("/b-1/children")).isEqualTo(json("[\"" + firstAnswer + "\"]"));
    assertThat(map.get(firstAnswer).get("children")).isEqualTo(json("[\"b-2\", \"b-4\"]"));
    assertThat(map.at("/b-2/parent").asText()).isEqualTo(firstAnswer);
    assertThat(map.at("/b-3/parent").asText()).isEqualTo("system");
    assertThat(map.at("/b-3/children")).hasSize(1);
    assertThat(map.at("/b-4/children")).hasSize(1);
    assertThat(map).hasSize(9); // the root, four questions, four answers
  }

  @Test
  void anAnswerCutAtTheTokenLimitIsContinuedInPlace() {
    Response cut =
        chat(
            key,
            message("chat-continue", "Tell me everything", "mistral-7b-instruct", null, "c-1"));
    assertThat(cut.status()).as(cut.body()).isEqualTo(200);
    assertThat(cut.json().at("/message/content/0/body").asText()).isEqualTo("This answer stops");
    JsonNode before = tree(key, "chat-continue");
    assertThat(before.get("shouldContinue").asBoolean()).isTrue();
    String answerId = before.get("lastMessageId").asText();

    Response continued =
        chat(
            key,
            """
            {"conversationId": "chat-continue", "continueGenerate": true,
             "message": {"role": "user", "model": "gpt-oss-20b", "parentMessageId": null,
                         "content": []}}
            """);
    assertThat(continued.status()).as(continued.body()).isEqualTo(200);
    assertThat(continued.json().at("/message/content/0/body").asText())
        .isEqualTo("This answer stopsHello from the model [1].");
    JsonNode after = tree(key, "chat-continue");
    assertThat(after.get("lastMessageId").asText()).isEqualTo(answerId);
    assertThat(after.get("messageMap")).hasSize(3);
    assertThat(after.get("shouldContinue").asBoolean()).isFalse();
    // The provider saw the cut answer and was asked to go on.
    JsonNode request = TestingParley.OPENAI.bodies().getLast();
    List<String> contents =
        request.get("messages").valueStream().map(m -> m.get("content").asText()).toList();
    assertThat(contents).contains("This answer stops");
    assertThat(contents.getLast()).startsWith("Continue your last answer");
  }

  @Test
  void theOpenAiProviderAnswersByModelNameAndItsFailureIsAClearError() {
    Response answered =
        chat(key, message("chat-openai", "How long do refunds take?", "gpt-oss-20b", null, null));
    assertThat(answered.status()).as(answered.body()).isEqualTo(200);
    assertThat(answered.json().at("/message/content/0/body").asText())
        .isEqualTo("Hello from the model [1].");
    assertThat(answered.json().at("/message/model").asText()).isEqualTo("gpt-oss-20b");

    Response broken =
        chat(key, message("chat-broken", "How long do refunds take?", "mistral-large", null, null));
    assertThat(broken.status()).isEqualTo(503);
    assertThat(broken.json().get("errors").get(0).asText())
        .startsWith(
            "The assistant could not answer: The OpenAI-compatible endpoint failed mid-answer");
    // The question stays; no answer was written; the next message can be answered.
    JsonNode tree = tree(key, "chat-broken");
    assertThat(tree.get("messageMap")).hasSize(2);
    assertThat(chat(key, message("chat-broken", "Again?", "claude-v3-haiku", null, null)).status())
        .isEqualTo(200);
  }

  @Test
  void proposedTitlesAreShortAndNotSaved() {
    assertThat(
            chat(
                    key,
                    message(
                        "chat-title",
                        "Where is my parcel from Lyon?",
                        "claude-v3-haiku",
                        null,
                        null))
                .status())
        .isEqualTo(200);
    Response title =
        parley.send("GET", "/bedrock/conversation/chat-title/proposed-title", key, null);
    assertThat(title.status()).isEqualTo(200);
    assertThat(title.json()).isEqualTo(json("{\"title\": \"Where is my parcel\"}"));
    assertThat(tree(key, "chat-title").get("title").asText()).isEqualTo("New conversation");
    Response missing = parley.send("GET", "/bedrock/conversation/nope/proposed-title", key, null);
    assertThat(missing.status()).isEqualTo(404);
  }

  @Test
  void badInputIsRefusedInBedrocksShapeAndChangesNothing() {
    Response unknownModel = chat(key, message("chat-bad", "Hi", "gpt-5-turbo-ultra", null, null));
    assertThat(unknownModel.status()).isEqualTo(422);
    assertThat(unknownModel.json())
        .isEqualTo(
            json(
                """
                {"detail": [{"type": "value_error", "loc": ["body", "message", "model"],
                             "msg": "Value error, unknown model 'gpt-5-turbo-ultra'; configure it\
                 in PARLEY_ASSISTANT_MODELS",
                             "input": null}]}
                """));
    Response noContent =
        chat(
            key,
            "{\"conversationId\": \"chat-bad\", \"message\": {\"role\": \"user\", \"model\":"
                + " \"claude-v3-haiku\", \"parentMessageId\": null, \"content\": []}}");
    assertThat(noContent.status()).isEqualTo(422);
    assertThat(noContent.json())
        .isEqualTo(
            json(
                """
                {"detail": [{"type": "value_error", "loc": ["body", "message", "content"],
                             "msg": "Value error, must hold at least one part", "input": null}]}
                """));
    Response badPart =
        chat(
            key,
            "{\"conversationId\": \"chat-bad\", \"message\": {\"role\": \"user\", \"model\":"
                + " \"claude-v3-haiku\", \"parentMessageId\": null, \"content\": [{\"body\":"
                + " \"x\"}]}}");
    assertThat(badPart.status()).isEqualTo(422);
    assertThat(badPart.json().at("/detail/0/loc/0").asText()).isEqualTo("body");
    assertThat(parley.send("GET", "/bedrock/conversation/chat-bad", key, null).status())
        .isEqualTo(404);

    assertThat(chat(key, message("chat-parent", "Hi", "claude-v3-haiku", null, null)).status())
        .isEqualTo(200);
    Response unknownParent =
        chat(key, message("chat-parent", "Hi", "claude-v3-haiku", "msg_nope", null));
    assertThat(unknownParent.status()).isEqualTo(404);
    assertThat(unknownParent.json())
        .isEqualTo(
            json("{\"errors\": [\"Message msg_nope not found in conversation chat-parent\"]}"));
    assertThat(tree(key, "chat-parent").get("messageMap")).hasSize(3);
    Response continueNothing =
        chat(
            key,
            "{\"conversationId\": \"chat-parent-2\", \"continueGenerate\": true, \"message\":"
                + " {\"role\": \"user\", \"model\": \"claude-v3-haiku\", \"parentMessageId\":"
                + " null, \"content\": []}}");
    assertThat(continueNothing.status()).isEqualTo(400);
    assertThat(continueNothing.json())
        .isEqualTo(
            json(
                "{\"errors\": [\"Conversation chat-parent-2 has no assistant message to"
                    + " continue\"]}"));
  }

  @Test
  void anotherTenantNeverSeesTheDocumentsOrTheConversation() {
    assertThat(
            chat(
                    key,
                    message(
                        "chat-private",
                        "How many days until my refund reaches my card?",
                        "claude-v3-haiku",
                        null,
                        null))
                .status())
        .isEqualTo(200);
    String other = parley.key("bedrock-chat-other", "conversation:read,conversation:write");
    for (String path :
        List.of(
            "/bedrock/conversation/chat-private",
            "/bedrock/conversation/chat-private/proposed-title",
            "/bedrock/conversation/chat-private/related-documents",
            "/bedrock/conversation/chat-private/related-documents/" + refundsId,
            "/bedrock/conversation/chat-private/related-documents/" + refundsId + "/preview")) {
      Response response = parley.send("GET", path, other, null);
      assertThat(response.status()).as(path).isEqualTo(404);
    }
    // The same question from the other tenant finds nothing: retrieval is the tenant's own.
    Response answered =
        chat(
            other,
            message(
                "chat-private",
                "How many days until my refund reaches my card?",
                "claude-v3-haiku",
                null,
                null));
    assertThat(answered.status()).isEqualTo(200);
    assertThat(answered.json().at("/message/content/0/body").asText()).isEqualTo(NOTHING_FOUND);
    assertThat(tree(key, "chat-private").get("messageMap")).hasSize(3);
  }
}
