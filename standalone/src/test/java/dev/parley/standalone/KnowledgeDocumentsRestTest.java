package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.standalone.TestingParley.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A tenant's knowledge documents at /parley/v1/knowledge-documents, through the REST gateway. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KnowledgeDocumentsRestTest {
  private static final String PATH = "/parley/v1/knowledge-documents";

  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  @Test
  void anUploadedPdfIsADocumentOfItsText() throws Exception {
    String key = parley.key("knowledge-pdf", "knowledge:write");
    byte[] pdf = TestPdfs.pdf("Refunds reach your card within five days.", "Page two.");
    Response created =
        parley.sendBytes(
            "POST",
            PATH + "?sourceLink=https%3A%2F%2Fdocs.example.com%2Frefunds.pdf",
            key,
            pdf,
            "application/pdf",
            "Content-Disposition",
            "attachment; filename=\"Refund policy.pdf\"");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("content-type")).startsWith("application/json");
    ObjectNode document = (ObjectNode) created.json();
    String id = document.remove("id").asText();
    assertThat(id).matches("doc_[0-9a-f]{32}");
    assertThat(document.remove("createTime").asText())
        .isEqualTo(document.remove("updateTime").asText());
    assertThat(document)
        .isEqualTo(
            json(
                """
                {"title": "Refund policy.pdf",
                 "content": "Refunds reach your card within five days.\\nPage two.\\n",
                 "contentType": "application/pdf",
                 "sourceLink": "https://docs.example.com/refunds.pdf",
                 "sizeBytes": "%d", "pageCount": 2}
                """
                    .formatted(pdf.length)));
    // ?title= wins over the file name; the text is searchable at once.
    Response titled =
        parley.sendBytes(
            "POST",
            PATH + "?title=Refunds",
            key,
            pdf,
            "application/pdf",
            "Content-Disposition",
            "attachment; filename=\"x.pdf\"");
    assertThat(titled.json().get("title").asText()).isEqualTo("Refunds");
    Response found = parley.send("GET", PATH + ":search?query=refunds%20card", key, null);
    assertThat(found.json().at("/passages/0/documentId").asText())
        .isIn(id, titled.json().get("id").asText());
  }

  @Test
  void aBrokenPdfOrOneWithoutATitleIsRefusedAndAddsNothing() throws Exception {
    String key = parley.key("knowledge-pdf-bad", "knowledge:write");
    Response broken =
        parley.sendBytes(
            "POST",
            PATH + "?title=Broken",
            key,
            "%PDF-1.7 this is not really a PDF".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            "application/pdf");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json())
        .isEqualTo(
            json(
                """
                {"code": 3, "message": "pdf: is not a PDF that can be read",
                 "details": [
                   {"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "INVALID_ARGUMENT", "domain": "parley.dev",
                    "metadata": {"requestId": "%s"}},
                   {"@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [
                      {"field": "pdf", "description": "is not a PDF that can be read",
                       "reason": "invalid"}]}]}
                """
                    .formatted(broken.header("x-request-id"))));
    Response untitled =
        parley.sendBytes("POST", PATH, key, TestPdfs.pdf("Hello"), "application/pdf");
    assertThat(untitled.status()).isEqualTo(400);
    assertThat(untitled.json().get("message").asText()).isEqualTo("title: is required");
    Response blank =
        parley.sendBytes("POST", PATH + "?title=Blank", key, TestPdfs.pdf(""), "application/pdf");
    assertThat(blank.status()).isEqualTo(400);
    Response both =
        parley.send(
            "POST", PATH, key, "{\"title\": \"t\", \"content\": \"c\", \"pdf\": \"JVBERg==\"}");
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().get("message").asText())
        .isEqualTo("content: send content or a PDF, not both");
    Response tooLarge =
        parley.sendBytes("POST", PATH + "?title=Big", key, new byte[1_700_000], "application/pdf");
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(parley.send("GET", PATH, key, null).json().get("documents")).isEmpty();
  }

  @Test
  void addsReadsListsAndDeletesADocument() {
    String key = parley.key("knowledge", "knowledge:write");
    Response created =
        parley.send(
            "POST",
            PATH,
            key,
            """
            {"title": "Resetting a password", "content": "Open Settings, then Security. Café.",
             "contentType": "text/markdown", "sourceLink": "https://docs.example.com/reset"}
            """);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("content-type")).startsWith("application/json");
    JsonNode document = created.json();
    String id = document.get("id").asText();
    assertThat(id).matches("doc_[0-9a-f]{32}");
    assertThat(document.get("createTime").asText()).isEqualTo(document.get("updateTime").asText());
    ObjectNode expected =
        (ObjectNode)
            json(
                """
                {"title": "Resetting a password", "content": "Open Settings, then Security. Café.",
                 "contentType": "text/markdown", "sourceLink": "https://docs.example.com/reset",
                 "sizeBytes": "36"}
                """);
    expected.put("id", id);
    expected.set("createTime", document.get("createTime"));
    expected.set("updateTime", document.get("updateTime"));
    assertThat(document).isEqualTo(expected);

    Response read = parley.send("GET", PATH + "/" + id, key, null);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json()).isEqualTo(expected);

    // Lists carry no content; write includes read.
    Response listed = parley.send("GET", PATH, key, null);
    assertThat(listed.status()).isEqualTo(200);
    ObjectNode summary = expected.deepCopy();
    summary.put("content", "");
    assertThat(listed.json())
        .isEqualTo(json("{\"documents\": [" + summary + "], \"nextPageToken\": \"\"}"));

    Response deleted = parley.send("DELETE", PATH + "/" + id, key, null);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    Response gone = parley.send("GET", PATH + "/" + id, key, null);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("message").asText())
        .isEqualTo("Knowledge document " + id + " not found");
  }

  @Test
  void pagesNewestFirstWithTokens() {
    String key = parley.key("knowledge-pages", "knowledge:write");
    for (int i = 0; i < 3; i++) {
      assertThat(
              parley
                  .send(
                      "POST",
                      PATH,
                      key,
                      "{\"title\": \"Doc " + i + "\", \"content\": \"Text " + i + "\"}")
                  .status())
          .isEqualTo(201);
    }
    JsonNode first = parley.send("GET", PATH + "?pageSize=2", key, null).json();
    assertThat(first.get("documents"))
        .extracting(node -> node.get("title").asText())
        .containsExactly("Doc 2", "Doc 1");
    String token = first.get("nextPageToken").asText();
    JsonNode second = parley.send("GET", PATH + "?pageSize=2&pageToken=" + token, key, null).json();
    assertThat(second.get("documents"))
        .extracting(node -> node.get("title").asText())
        .containsExactly("Doc 0");
    assertThat(second.get("nextPageToken").asText()).isEmpty();
    assertThat(
            parley
                .send("GET", PATH + "?pageToken=not-a-token", key, null)
                .json()
                .get("message")
                .asText())
        .isEqualTo("page_token: is not a token from a previous page");
  }

  @Test
  void badInputIs400AndOtherTenantsAndScopesAreRefused() {
    String key = parley.key("knowledge-bad", "knowledge:write");
    Response untitled = parley.send("POST", PATH, key, "{\"content\": \"x\"}");
    assertThat(untitled.status()).isEqualTo(400);
    assertThat(untitled.json().get("message").asText()).isEqualTo("title: is required");
    Response typed =
        parley.send(
            "POST",
            PATH,
            key,
            "{\"title\": \"t\", \"content\": \"x\", \"contentType\": \"image/png\"}");
    assertThat(typed.status()).isEqualTo(400);
    assertThat(typed.json().get("message").asText())
        .isEqualTo("contentType: must be one of text/plain, text/markdown, text/html");

    String id =
        parley
            .send("POST", PATH, key, "{\"title\": \"Mine\", \"content\": \"Private text\"}")
            .json()
            .get("id")
            .asText();
    String other = parley.key("knowledge-other", "*");
    assertThat(parley.send("GET", PATH + "/" + id, other, null).status()).isEqualTo(404);
    assertThat(parley.send("DELETE", PATH + "/" + id, other, null).status()).isEqualTo(404);
    assertThat(parley.send("GET", PATH, other, null).body()).doesNotContain("Private text", id);
    assertThat(parley.send("GET", PATH + "/" + id, key, null).status()).isEqualTo(200);

    String conversationsOnly = parley.key("knowledge-bad", "conversation:read,conversation:write");
    assertThat(parley.send("GET", PATH, conversationsOnly, null).status()).isEqualTo(403);
    String reader = parley.key("knowledge-bad", "knowledge:read");
    assertThat(parley.send("POST", PATH, reader, "{\"title\": \"t\", \"content\": \"x\"}").status())
        .isEqualTo(403);
    assertThat(parley.send("GET", PATH + "/" + id, reader, null).status()).isEqualTo(200);
  }

  @Test
  void documentsAreEmbeddedInTheBackgroundAndAlikeMeaningsAreNear() throws Exception {
    // Another tenant's passage the model cannot read does not stop anyone's embedding.
    String odd = parley.key("knowledge-odd", "knowledge:write");
    assertThat(
            parley
                .send("POST", PATH, odd, "{\"title\": \"Odd\", \"content\": \"\\ufffd \\ufffd\"}")
                .status())
        .isEqualTo(201);
    String key = parley.key("knowledge-embed", "knowledge:write");
    String[] texts = {
      "My card was declined at the shop yesterday.",
      "The payment with my card did not go through.",
      "How do I change the postal address on my account?"
    };
    for (String text : texts) {
      assertThat(
              parley
                  .send("POST", PATH, key, "{\"title\": \"Note\", \"content\": \"" + text + "\"}")
                  .status())
          .isEqualTo(201);
    }
    DatabaseConfig database = parley.database();
    try (Connection owner =
        DriverManager.getConnection(
            database.jdbcUrl(), database.ownerUser(), database.ownerPassword())) {
      Map<String, float[]> vectors =
          TestingParley.eventually(() -> embeddings(owner), found -> found.size() == texts.length);
      assertThat(vectors).hasSize(texts.length);
      assertThat(vectors.values()).allSatisfy(vector -> assertThat(vector).hasSize(384));
      double alike = cosine(vectors.get(texts[0]), vectors.get(texts[1]));
      double unlike = cosine(vectors.get(texts[0]), vectors.get(texts[2]));
      assertThat(alike).isGreaterThan(unlike + 0.2);
    }
  }

  @Test
  void searchFindsPassagesByTheirWordsAtOnceAndByTheirMeaningOnceEmbedded() {
    String key = parley.key("knowledge-search", "knowledge:write");
    String[][] documents = {
      {"Resetting your password", "Open Settings, then Security, and choose Reset password."},
      {"Card payments", "If your card is declined, check its expiry date and your bank limits."},
      {"Shipping", "Parcels arrive within three working days."}
    };
    for (String[] document : documents) {
      assertThat(
              parley
                  .send(
                      "POST",
                      PATH,
                      key,
                      "{\"title\": \"%s\", \"content\": \"%s\", \"sourceLink\": \"https://docs.example.com/%s\"}"
                          .formatted(document[0], document[1], document[0].length()))
                  .status())
          .isEqualTo(201);
    }
    // A word of the passage: found by full text.
    JsonNode byWord = parley.send("GET", PATH + ":search?query=expiry", key, null).json();
    assertThat(byWord.get("passages").get(0).get("title").asText()).isEqualTo("Card payments");
    assertThat(byWord.get("passages").get(0).get("text").asText())
        .isEqualTo("If your card is declined, check its expiry date and your bank limits.");
    assertThat(byWord.get("passages").get(0).get("sourceLink").asText())
        .isEqualTo("https://docs.example.com/13");

    // No word in common: found by meaning, once the passages are embedded.
    JsonNode byMeaning =
        TestingParley.eventually(
            () ->
                parley
                    .send(
                        "GET",
                        PATH + ":search?query=my%20payment%20did%20not%20go%20through&pageSize=3",
                        key,
                        null)
                    .json(),
            answer -> answer.get("passages").size() == 3);
    assertThat(byMeaning.get("passages")).hasSize(3);
    assertThat(byMeaning.get("passages").get(0).get("title").asText()).isEqualTo("Card payments");
    assertThat(byMeaning.get("passages").get(0).get("score").asDouble())
        .isGreaterThan(byMeaning.get("passages").get(1).get("score").asDouble());

    String other = parley.key("knowledge-search-other", "knowledge:read");
    assertThat(parley.send("GET", PATH + ":search?query=expiry", other, null).json())
        .isEqualTo(json("{\"passages\": []}"));
    Response empty = parley.send("GET", PATH + ":search?query=%20", key, null);
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().get("message").asText()).isEqualTo("query: is required");
    assertThat(parley.send("GET", PATH + ":search?query=x&pageSize=51", key, null).status())
        .isEqualTo(400);
  }

  @Test
  void searchByMeaningFollowsEveryChangeOfTheTenantsKnowledge() {
    String key = parley.key("knowledge-versions", "knowledge:write");
    String query = PATH + ":search?query=my%20payment%20did%20not%20go%20through";
    String first = add(key, "Card payments", "If your card is declined, check its bank limits.");
    // Found by meaning once embedded (and the tenant's vectors are kept between searches).
    JsonNode found =
        TestingParley.eventually(
            () -> parley.send("GET", query, key, null).json(),
            answer -> answer.get("passages").size() == 1);
    assertThat(found.at("/passages/0/documentId").asText()).isEqualTo(first);
    assertThat(parley.send("GET", query, key, null).json()).isEqualTo(found);

    // Deleted: gone from the next search at once, kept copy or not.
    assertThat(parley.send("DELETE", PATH + "/" + first, key, null).status()).isEqualTo(204);
    assertThat(parley.send("GET", query, key, null).json()).isEqualTo(json("{\"passages\": []}"));

    // A new document is found by meaning once it is embedded.
    String second = add(key, "Payments", "A declined card payment is retried after one hour.");
    JsonNode again =
        TestingParley.eventually(
            () -> parley.send("GET", query, key, null).json(),
            answer -> answer.get("passages").size() == 1);
    assertThat(again.at("/passages/0/documentId").asText()).isEqualTo(second);
  }

  private String add(String key, String title, String content) {
    Response created =
        parley.send(
            "POST",
            PATH,
            key,
            "{\"title\": \"%s\", \"content\": \"%s\"}".formatted(title, content));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asText();
  }

  /** The tenant's embedded passages by text. */
  private static Map<String, float[]> embeddings(Connection owner) {
    Map<String, float[]> vectors = new HashMap<>();
    try (Statement statement = owner.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT text, embedding FROM conversation.knowledge_chunk"
                    + " WHERE tenant_id = 'knowledge-embed' AND embedding IS NOT NULL")) {
      while (rows.next()) {
        byte[] stored = rows.getBytes(2);
        float[] vector = new float[stored.length / Float.BYTES];
        ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        vectors.put(rows.getString(1), vector);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return vectors;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      normA += a[i] * a[i];
      normB += b[i] * b[i];
    }
    return dot / Math.sqrt(normA * normB);
  }
}
