package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Value;
import dev.parley.conversation.v1.Conversation;
import dev.parley.conversation.v1.ConversationKind;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationServiceGrpc.ConversationServiceBlockingStub;
import dev.parley.conversation.v1.CreateConversationRequest;
import dev.parley.conversation.v1.GetConversationRequest;
import dev.parley.conversation.v1.ListConversationsRequest;
import dev.parley.conversation.v1.Message;
import dev.parley.standalone.TestingParley.Response;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One store, five front doors (and the native API over gRPC through the gateway): what one dialect
 * writes, every other reads, each in its own shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossDialectRestTest {
  private static final String TENANT = "crossroads";

  private TestingParley parley;
  private String key;
  private ConversationServiceBlockingStub nativeApi;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
    key = parley.key(TENANT, "*");
    nativeApi = TestingParley.withKey(ConversationServiceGrpc.newBlockingStub(parley.grpc()), key);
  }

  @Test
  void whatEachDialectWritesEveryOtherReads() {
    // Inkeep logs, GitBook ingests, the native API creates.
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    """
                    {"id": "ink-1", "type": "openai", "createdAt": "2026-06-01T10:00:00Z",
                     "userProperties": {"id": "user-1", "email": "user1@example.com"},
                     "messages": [
                       {"id": "q", "role": "user", "content": "Why is my sync stuck?",
                        "createdAt": "2026-06-01T10:00:00Z"},
                       {"id": "a", "role": "assistant", "content": "Reconnect the source.",
                        "createdAt": "2026-06-01T10:00:10Z"}]}
                    """)
                .status())
        .isEqualTo(200);
    assertThat(
            parley
                .send(
                    "POST",
                    "/gitbook/v1/orgs/" + TENANT + "/conversations",
                    key,
                    """
                    {"id": "ticket-9", "subject": "Export to PDF",
                     "metadata": {"createdAt": "2026-06-02T10:00:00Z"},
                     "parts": [{"type": "message", "role": "user", "body": "PDF export fails"},
                               {"type": "message", "role": "team-member", "body": "Fixed in 2.1"}]}
                    """)
                .status())
        .isEqualTo(204);
    nativeApi.createConversation(
        CreateConversationRequest.newBuilder()
            .setConversationId("nat-1")
            .setConversation(
                Conversation.newBuilder()
                    .setKind(ConversationKind.CONVERSATION_KIND_CHAT)
                    .setTitle("Native chat")
                    .setCreateTime(
                        com.google.protobuf.Timestamp.newBuilder().setSeconds(1780480800))
                    .addMessages(
                        Message.newBuilder()
                            .setRole("user")
                            .setContent(Value.newBuilder().setStringValue("Hello from gRPC"))))
            .build());
    String gitbookId =
        parley
            .send("GET", "/gitbook/v1/orgs/" + TENANT + "/conversations", key, null)
            .json()
            .get("items")
            .findValues("id")
            .stream()
            .map(JsonNode::asText)
            .filter(id -> id.startsWith("gb_"))
            .findFirst()
            .orElseThrow();
    List<String> all = List.of("nat-1", gitbookId, "ink-1");

    // Every list shows all three, newest first.
    assertThat(ids(parley.send("GET", "/bedrock/conversations", key, null).json(), ""))
        .containsExactlyElementsOf(all);
    assertThat(
            ids(
                parley
                    .send("GET", "/alli/webapi/v2/conversations?order=CREATED_AT_DESC", key, null)
                    .json(),
                "/conversations"))
        .containsExactlyElementsOf(all);
    assertThat(
            ids(
                parley
                    .send("GET", "/posthog/api/environments/@current/conversations/", key, null)
                    .json(),
                "/results"))
        .containsExactlyInAnyOrderElementsOf(all);
    assertThat(ids(parley.send("GET", "/inkeep/conversations", key, null).json(), "/conversations"))
        .containsExactlyElementsOf(all);
    assertThat(
            ids(
                parley
                    .send("GET", "/gitbook/v1/orgs/" + TENANT + "/conversations", key, null)
                    .json(),
                "/items"))
        .containsExactlyElementsOf(all);
    assertThat(
            nativeApi
                .listConversations(ListConversationsRequest.getDefaultInstance())
                .getConversationsList())
        .extracting(Conversation::getId)
        .containsExactlyElementsOf(all);

    // GitBook's parts are Bedrock's tree, Alli's chats, PostHog's and Inkeep's messages.
    JsonNode tree = parley.send("GET", "/bedrock/conversation/" + gitbookId, key, null).json();
    assertThat(tree.get("title").asText()).isEqualTo("Export to PDF");
    assertThat(tree.at("/messageMap/system/children")).hasSize(1);
    JsonNode chats =
        parley
            .send("GET", "/alli/webapi/v2/conversations/" + gitbookId + "/chats", key, null)
            .json()
            .get("chats");
    assertThat(chats.findValuesAsText("sender")).containsExactly("USER", "AGENT");
    assertThat(chats.findValuesAsText("message"))
        .containsExactly("PDF export fails", "Fixed in 2.1");
    assertThat(
            parley
                .send(
                    "GET",
                    "/posthog/api/environments/@current/conversations/" + gitbookId,
                    key,
                    null)
                .json()
                .get("messages")
                .findValuesAsText("type"))
        .containsExactly("human", "ai");
    assertThat(
            parley
                .send("GET", "/inkeep/conversations/" + gitbookId, key, null)
                .json()
                .get("messages"))
        .hasSize(2);

    // Bedrock renames and rates, Alli sets the state, PostHog appends: all seen elsewhere.
    assertThat(
            parley
                .send(
                    "PATCH",
                    "/bedrock/conversation/ink-1/title",
                    key,
                    "{\"newTitle\": \"Stuck sync\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            parley
                .send(
                    "PUT",
                    "/bedrock/conversation/ink-1/a/feedback",
                    key,
                    "{\"thumbsUp\": false, \"category\": \"other\", \"comment\": \"Did not help\"}")
                .status())
        .isEqualTo(200);
    assertThat(
            parley
                .send(
                    "PUT",
                    "/alli/webapi/v2/conversations/ink-1",
                    key,
                    "{\"state\": \"END_BY_AGENT\", \"assignee\": \"lee@example.com\"}")
                .status())
        .isEqualTo(200);
    Response appended =
        parley.send(
            "POST",
            "/posthog/api/environments/" + TENANT + "/conversations/ink-1/append_message/",
            key,
            "{\"content\": \"Escalated to support.\"}");
    assertThat(appended.status()).isEqualTo(201);
    String appendedId = appended.json().get("id").asText();

    Conversation ink = nativeApi.getConversation(get("ink-1"));
    assertThat(ink.getTitle()).isEqualTo("Stuck sync");
    assertThat(ink.getState()).isEqualTo("END_BY_AGENT");
    assertThat(ink.getAssignee()).isEqualTo("lee@example.com");
    assertThat(ink.getEndUser().getId()).isEqualTo("user-1");
    assertThat(ink.getMessagesList())
        .extracting(Message::getId)
        .containsExactly("q", "a", appendedId);
    JsonNode alli = parley.send("GET", "/alli/webapi/v2/conversations/ink-1", key, null).json();
    assertThat(alli.get("title").asText()).isEqualTo("Stuck sync");
    assertThat(alli.get("isEnd").asBoolean()).isTrue();
    assertThat(alli.get("user").get("userId").asText()).isEqualTo("user-1");
    assertThat(alli.get("chats").get(1).get("rating").asBoolean()).isFalse();
    assertThat(alli.get("chats").get(2).get("message").asText()).isEqualTo("Escalated to support.");
    JsonNode bedrock = parley.send("GET", "/bedrock/conversation/ink-1", key, null).json();
    assertThat(bedrock.get("lastMessageId").asText()).isEqualTo(appendedId);
    assertThat(bedrock.at("/messageMap/" + appendedId + "/parent").asText()).isEqualTo("a");
    assertThat(bedrock.at("/messageMap/a/feedback"))
        .isEqualTo(
            json("{\"thumbsUp\": false, \"category\": \"other\", \"comment\": \"Did not help\"}"));
    JsonNode inkeepFeedback =
        parley.send("GET", "/inkeep/feedback", key, null).json().get("negativeFeedback").get(0);
    assertThat(inkeepFeedback.get("messageId").asText()).isEqualTo("a");
    assertThat(inkeepFeedback.get("details").asText()).isEqualTo("Did not help");
    assertThat(
            parley
                .send("GET", "/posthog/api/environments/@current/conversations/ink-1/", key, null)
                .json()
                .get("title")
                .asText())
        .isEqualTo("Stuck sync");
    assertThat(
            parley
                .send("GET", "/bedrock/conversations/search?query=escalated", key, null)
                .json()
                .findValuesAsText("id"))
        .containsExactly("ink-1");

    // PostHog's soft delete removes it from every front door.
    assertThat(
            parley
                .send("DELETE", "/posthog/api/environments/@current/conversations/ink-1", key, null)
                .status())
        .isEqualTo(204);
    assertThat(parley.send("GET", "/inkeep/conversations/ink-1", key, null).status())
        .isEqualTo(404);
    assertThat(parley.send("GET", "/bedrock/conversation/ink-1", key, null).status())
        .isEqualTo(404);
    assertThat(parley.send("GET", "/alli/webapi/v2/conversations/ink-1", key, null).status())
        .isEqualTo(404);
    assertThat(
            parley
                .send("GET", "/gitbook/v1/orgs/" + TENANT + "/conversations/ink-1", key, null)
                .status())
        .isEqualTo(404);
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                    StatusRuntimeException.class, () -> nativeApi.getConversation(get("ink-1")))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  private static GetConversationRequest get(String id) {
    return GetConversationRequest.newBuilder().setConversationId(id).build();
  }

  private static List<String> ids(JsonNode body, String pointer) {
    List<String> ids = new ArrayList<>();
    body.at(pointer).forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }
}
