package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.conversation.v1.ConversationServiceGrpc;
import dev.parley.conversation.v1.ConversationServiceGrpc.ConversationServiceBlockingStub;
import dev.parley.conversation.v1.EscalateConversationRequest;
import dev.parley.conversation.v1.EscalateConversationResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A conversation escalated to a ticket: conversation-service opens it in ticket-service over gRPC,
 * and every message written afterwards, through any front door, moves the ticket's counters
 * (ticket-service follows conversation-service's event stream).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EscalationTest {
  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  private ConversationServiceBlockingStub conversations(String key) {
    return TestingParley.withKey(ConversationServiceGrpc.newBlockingStub(parley.grpc()), key);
  }

  private void log(String key, String messages) {
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    key,
                    """
                    {"id": "help-1", "type": "openai",
                     "userProperties": {"id": "cust-9", "email": "lee@example.com"},
                     "messages": [%s]}
                    """
                        .formatted(messages))
                .status())
        .isEqualTo(200);
  }

  private JsonNode ticket(String key) {
    return parley
        .send("GET", "/posthog/api/projects/escalations/conversations/tickets/", key, null)
        .json()
        .get("results")
        .get(0);
  }

  @Test
  void anEscalatedConversationsMessagesMoveItsTicketsCounters() {
    String key = parley.key("escalations", "*");
    log(
        key,
        """
        {"id": "q1", "role": "user", "content": "My export fails"},
        {"id": "a1", "role": "assistant", "content": "Try again later"},
        {"id": "q2", "role": "user", "content": "Still failing"}
        """);

    EscalateConversationResponse escalated =
        conversations(key)
            .escalateConversation(
                EscalateConversationRequest.newBuilder()
                    .setConversationId("help-1")
                    .setEscalationReason("assistant could not help")
                    .build());
    assertThat(escalated.getTicketNumber()).isEqualTo(1);
    JsonNode ticket = ticket(key);
    assertThat(ticket.get("id").asText()).isEqualTo(escalated.getTicketId());
    assertThat(ticket.get("distinct_id").asText()).isEqualTo("cust-9");
    assertThat(ticket.get("escalation_reason").asText()).isEqualTo("assistant could not help");
    assertThat(ticket.get("message_count").asInt()).isEqualTo(3);
    assertThat(ticket.get("unread_team_count").asInt()).isEqualTo(2);
    assertThat(ticket.get("unread_customer_count").asInt()).isEqualTo(1);
    assertThat(ticket.get("last_message_text").asText()).isEqualTo("Still failing");
    assertThat(ticket.at("/person/distinct_ids/0").asText()).isEqualTo("cust-9");

    // Escalating again finds the same ticket and counts nothing twice.
    assertThat(
            conversations(key)
                .escalateConversation(
                    EscalateConversationRequest.newBuilder().setConversationId("help-1").build())
                .getTicketNumber())
        .isEqualTo(1);
    assertThat(ticket(key).get("message_count").asInt()).isEqualTo(3);

    // The team reads it; then a team reply (PostHog) and a customer message (Inkeep re-log).
    parley.send("GET", "/posthog/api/projects/escalations/conversations/tickets/1/", key, null);
    assertThat(
            parley
                .send(
                    "POST",
                    "/posthog/api/environments/escalations/conversations/help-1/append_message/",
                    key,
                    "{\"content\": \"We are on it\"}")
                .status())
        .isEqualTo(201);
    JsonNode conversation =
        parley.send("GET", "/inkeep/conversations/help-1", key, null).json().get("messages");
    String reply = conversation.get(3).get("id").asText();
    log(
        key,
        """
        {"id": "q1", "role": "user", "content": "My export fails"},
        {"id": "a1", "role": "assistant", "content": "Try again later"},
        {"id": "q2", "role": "user", "content": "Still failing"},
        {"id": "%s", "role": "assistant", "content": "We are on it"},
        {"id": "q3", "role": "user", "content": "Thanks, waiting"}
        """
            .formatted(reply));

    // ticket-service records them from conversation-service's event stream, a moment later.
    JsonNode after =
        TestingParley.eventually(
            () -> ticket(key), current -> current.get("message_count").asInt() == 5);
    assertThat(after.get("message_count").asInt()).isEqualTo(5);
    assertThat(after.get("unread_team_count").asInt()).isEqualTo(1);
    assertThat(after.get("unread_customer_count").asInt()).isEqualTo(2);
    // A key that may only write conversations still moves the ticket of an escalated one.
    String writer = parley.key("escalations", "conversation:write");
    assertThat(
            parley
                .send(
                    "POST",
                    "/posthog/api/environments/escalations/conversations/help-1/append_message/",
                    writer,
                    "{\"content\": \"A fix is rolling out\"}")
                .status())
        .isEqualTo(201);
    after =
        TestingParley.eventually(
            () -> ticket(key), current -> current.get("message_count").asInt() == 6);
    assertThat(after.get("message_count").asInt()).isEqualTo(6);
    assertThat(after.get("unread_team_count").asInt()).isEqualTo(1);
    assertThat(after.get("unread_customer_count").asInt()).isEqualTo(3);
    assertThat(after.get("last_message_text").asText()).isEqualTo("A fix is rolling out");
    assertThat(
            parley
                .send(
                    "GET",
                    "/posthog/api/projects/escalations/conversations/tickets/unread_count/",
                    key,
                    null)
                .json()
                .get("count")
                .asInt())
        .isEqualTo(1);
  }

  @Test
  void escalatingNeedsBothScopesAndTheCallersOwnConversation() {
    String conversationsOnly =
        parley.key("escalations-scopes", "conversation:read,conversation:write");
    String other = parley.key("escalations-other", "*");
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    conversationsOnly,
                    "{\"id\": \"c-1\", \"type\": \"openai\","
                        + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
                .status())
        .isEqualTo(200);

    StatusRuntimeException denied =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                conversations(conversationsOnly)
                    .escalateConversation(
                        EscalateConversationRequest.newBuilder().setConversationId("c-1").build()));
    assertThat(denied.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    StatusRuntimeException missing =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                conversations(other)
                    .escalateConversation(
                        EscalateConversationRequest.newBuilder().setConversationId("c-1").build()));
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            parley
                .send("GET", "/posthog/api/projects/@current/conversations/tickets/", other, null)
                .json()
                .get("count")
                .asInt())
        .isZero();
  }
}
