package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.EscalateConversationRequest;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.standalone.TestingParley.Response;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostHog's suggested replies: ticket-service asks conversation-service's assistant over gRPC to
 * draft a reply from the ticket's conversation and the project's knowledge (here the offline {@code
 * local} provider; PostHogStreamRestTest drafts with the OpenAI-compatible server), within per-key
 * limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SuggestReplyRestTest {
  private static final String TENANT = "suggest-reply";

  private TestingParley parley;
  private String key;

  @BeforeAll
  void start() throws SQLException {
    parley = TestingParley.get();
    key = parley.key(TENANT, "*");
    ObjectNode document = (ObjectNode) json("{}");
    document
        .put("title", "Refund policy")
        .put(
            "content",
            "Refunds reach your card within five business days. Our shop is open every day.")
        .put("sourceLink", "https://help.example.com/refunds");
    assertThat(
            parley
                .send("POST", "/parley/v1/knowledge-documents", key, document.toString())
                .status())
        .isEqualTo(201);
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    """
                    {"id": "refund-help", "type": "openai",
                     "messages": [
                       {"id": "q1", "role": "user", "content": "Hello?"},
                       {"id": "a1", "role": "assistant", "content": "Hi, how can we help?"},
                       {"id": "q2", "role": "user",
                        "content": "How many days until my refund reaches my card?"}]}
                    """)
                .status())
        .isEqualTo(200);
    TestingParley.withKey(ConversationServiceGrpc.newBlockingStub(parley.grpc()), key)
        .escalateConversation(
            EscalateConversationRequest.newBuilder().setConversationId("refund-help").build());
    // The passage is searchable once the background has cut and embedded it.
    DatabaseConfig database = parley.database();
    try (Connection owner =
        DriverManager.getConnection(
            database.jdbcUrl(), database.ownerUser(), database.ownerPassword())) {
      assertThat(
              TestingParley.eventually(
                  () -> {
                    try (Statement statement = owner.createStatement();
                        ResultSet rows =
                            statement.executeQuery(
                                "SELECT count(*) FROM conversation.knowledge_chunk"
                                    + " WHERE tenant_id = '"
                                    + TENANT
                                    + "' AND embedding IS NOT NULL")) {
                      rows.next();
                      return rows.getInt(1);
                    } catch (SQLException e) {
                      throw new IllegalStateException(e);
                    }
                  },
                  count -> count >= 1))
          .isGreaterThanOrEqualTo(1);
    }
  }

  private static String tickets(String project) {
    return "/posthog/api/projects/" + project + "/conversations/tickets/";
  }

  @Test
  void aReplyIsDraftedFromTheTicketsConversationAndTheKnowledge() {
    Response drafted = parley.send("POST", tickets(TENANT) + "1/suggest_reply/", key, null);
    assertThat(drafted.status()).as(drafted.body()).isEqualTo(200);
    assertThat(drafted.json())
        .isEqualTo(
            json(
                """
                {"suggestion": "From the knowledge base:\\n\\nRefunds reach your card within five business days. [1]\\n\\nSources:\\n[1] Refund policy (https://help.example.com/refunds)"}
                """));
    // Nothing was written: the ticket's conversation is as it was.
    assertThat(
            parley
                .send("GET", "/inkeep/conversations/refund-help", key, null)
                .json()
                .get("messages"))
        .hasSize(3);

    // A ticket without a conversation has nothing to reply to; another project's is not found.
    Response created = parley.send("POST", tickets(TENANT), key, "{}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String empty = created.json().get("id").asText();
    Response none = parley.send("POST", tickets(TENANT) + empty + "/suggest_reply/", key, "{}");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json()).isEqualTo(json("{\"detail\": \"No messages in this ticket\"}"));
    String other = parley.key("suggest-reply-other", "*");
    assertThat(parley.send("POST", tickets(TENANT) + "1/suggest_reply/", other, "{}").status())
        .isEqualTo(404);
    assertThat(parley.send("POST", tickets("@current") + "1/suggest_reply/", other, "{}").status())
        .isEqualTo(404);
  }

  @Test
  void eachKeyHasItsOwnPerMinuteLimitAnsweredWith429AndRetryAfter() {
    String limited = parley.key(TENANT, "ticket:write");
    String path = tickets(TENANT) + "999/suggest_reply/";
    for (int call = 1; call <= 10; call++) {
      // Every call counts, answered or not (as PostHog's throttles count).
      assertThat(parley.send("POST", path, limited, "{}").status())
          .as("call " + call)
          .isEqualTo(404);
    }
    Response throttled = parley.send("POST", path, limited, "{}");
    assertThat(throttled.status()).isEqualTo(429);
    int retryAfter = Integer.parseInt(throttled.header("retry-after"));
    assertThat(retryAfter).isBetween(1, 60);
    assertThat(throttled.json())
        .isEqualTo(
            json(
                """
                {"type": "throttled_error", "code": "throttled",
                 "detail": "Request was throttled. Expected available in %d seconds.",
                 "attr": null}
                """
                    .formatted(retryAfter)));
    // Another key of the same project is not held back.
    assertThat(parley.send("POST", path, parley.key(TENANT, "ticket:write"), "{}").status())
        .isEqualTo(404);
  }
}
