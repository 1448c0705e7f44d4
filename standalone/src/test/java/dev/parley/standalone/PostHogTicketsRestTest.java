package dev.parley.standalone;

import static dev.parley.standalone.TestingParley.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.FieldMask;
import dev.parley.standalone.TestingParley.Response;
import dev.parley.ticket.v1.CreateTicketRequest;
import dev.parley.ticket.v1.ListTicketActivityRequest;
import dev.parley.ticket.v1.RecordTicketMessagesRequest;
import dev.parley.ticket.v1.Ticket;
import dev.parley.ticket.v1.TicketActivity;
import dev.parley.ticket.v1.TicketMessage;
import dev.parley.ticket.v1.TicketServiceGrpc;
import dev.parley.ticket.v1.TicketServiceGrpc.TicketServiceBlockingStub;
import dev.parley.ticket.v1.UpdateTicketRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** PostHog's ticket API through the REST gateway, on ticket-service. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostHogTicketsRestTest {
  private TestingParley parley;

  @BeforeAll
  void start() {
    parley = TestingParley.get();
  }

  private static String tickets(String project) {
    return "/posthog/api/projects/" + project + "/conversations/tickets/";
  }

  private TicketServiceBlockingStub nativeTickets(String key) {
    return TestingParley.withKey(TicketServiceGrpc.newBlockingStub(parley.grpc()), key);
  }

  private JsonNode create(String key, String project, String body) {
    Response created = parley.send("POST", tickets(project), key, body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json();
  }

  private void customerWrites(String key, String ticket, int messages) {
    for (int i = 0; i < messages; i++) {
      nativeTickets(key)
          .recordTicketMessages(
              RecordTicketMessagesRequest.newBuilder()
                  .setTicket(ticket)
                  .addMessages(
                      TicketMessage.newBuilder()
                          .setAuthor(TicketMessage.Author.AUTHOR_CUSTOMER)
                          .setText("Still broken " + i))
                  .build());
    }
  }

  @Test
  void createsNumberedTicketsAndRetrievingMarksThemRead() {
    String key = parley.key("tk-basic", "ticket:write");
    JsonNode first =
        create(
            key,
            "tk-basic",
            """
            {"distinct_id": "user-1", "priority": "high", "tags": ["billing"],
             "anonymous_traits": {"name": "Ana", "email": "ana@example.com"}}
            """);
    ObjectNode expected =
        (ObjectNode)
            json(
                """
                {"ticket_number": 1, "channel_source": "widget", "distinct_id": "user-1",
                 "status": "new", "priority": "high", "assignee": null,
                 "anonymous_traits": {"name": "Ana", "email": "ana@example.com"},
                 "ai_resolved": false, "escalation_reason": null, "message_count": 0,
                 "last_message_at": null, "last_message_text": null, "unread_team_count": 0,
                 "unread_customer_count": 0, "session_id": null, "session_context": {},
                 "sla_due_at": null, "slack_channel_id": null, "slack_thread_ts": null,
                 "slack_team_id": null, "person": null, "tags": ["billing"],
                 "snoozed_until": null, "channel_detail": null, "email_subject": null,
                 "email_from": null, "email_to": null, "cc_participants": [],
                 "github_repo": null, "github_issue_number": null}
                """);
    expected.put("id", first.get("id").asText());
    expected.put("created_at", first.get("created_at").asText());
    expected.put("updated_at", first.get("updated_at").asText());
    assertThat(first).isEqualTo(expected);
    assertThat(first.get("created_at").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    assertThat(create(key, "@current", "{}").get("ticket_number").asInt()).isEqualTo(2);

    customerWrites(key, "1", 3);
    assertThat(parley.send("GET", tickets("tk-basic") + "unread_count/", key, null).json())
        .isEqualTo(json("{\"count\": 3}"));
    JsonNode read = parley.send("GET", tickets("tk-basic") + "1/", key, null).json();
    assertThat(read.get("unread_team_count").asInt()).isZero();
    assertThat(read.get("message_count").asInt()).isEqualTo(3);
    assertThat(read.get("last_message_text").asText()).isEqualTo("Still broken 2");
    assertThat(parley.send("GET", tickets("tk-basic") + "unread_count", key, null).json())
        .isEqualTo(json("{\"count\": 0}"));
    assertThat(parley.send("GET", tickets("tk-basic") + first.get("id").asText(), key, null).json())
        .isEqualTo(read);
    assertThat(parley.send("GET", tickets("tk-basic") + "99/", key, null).status()).isEqualTo(404);
    assertThat(parley.send("GET", tickets("tk-basic") + "not-a-ticket/", key, null).status())
        .isEqualTo(404);

    // A resolved ticket's unread messages do not count.
    customerWrites(key, "2", 2);
    assertThat(parley.send("GET", tickets("tk-basic") + "unread_count/", key, null).json())
        .isEqualTo(json("{\"count\": 2}"));
    assertThat(
            parley
                .send("PATCH", tickets("tk-basic") + "2/", key, "{\"status\": \"resolved\"}")
                .status())
        .isEqualTo(200);
    assertThat(parley.send("GET", tickets("tk-basic") + "unread_count/", key, null).json())
        .isEqualTo(json("{\"count\": 0}"));

    Response deleted = parley.send("DELETE", tickets("tk-basic") + "2/", key, null);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(parley.send("GET", tickets("tk-basic") + "2/", key, null).status()).isEqualTo(404);
    Response suggestion = parley.send("POST", tickets("tk-basic") + "1/suggest_reply/", key, "{}");
    assertThat(suggestion.status()).isEqualTo(400);
    assertThat(suggestion.json()).isEqualTo(json("{\"detail\": \"No messages in this ticket\"}"));
  }

  @Test
  void attachesTheCustomerAsAPersonFromTheirConversations() {
    String conversations = parley.key("tk-person", "conversation:write");
    String key = parley.key("tk-person", "ticket:write");
    assertThat(
            parley
                .send(
                    "POST",
                    "/inkeep/conversations",
                    conversations,
                    """
                    {"id": "chat-1", "type": "openai", "createdAt": "2026-07-01T08:00:00Z",
                     "userProperties": {"id": "cust-1", "email": "kim@example.com", "name": "Kim",
                                        "plan": "pro"},
                     "messages": [{"role": "user", "content": "Help"}]}
                    """)
                .status())
        .isEqualTo(200);

    JsonNode created = create(key, "tk-person", "{\"distinct_id\": \"cust-1\"}");
    JsonNode person = created.get("person");
    assertThat(person)
        .isEqualTo(
            json(
                """
                {"id": "%s", "name": "Kim", "distinct_ids": ["cust-1"],
                 "properties": {"id": "cust-1", "email": "kim@example.com", "name": "Kim",
                                "plan": "pro"},
                 "created_at": "2026-07-01T08:00:00.000000Z", "is_identified": true}
                """
                    .formatted(person.get("id").asText())));
    create(key, "tk-person", "{\"distinct_id\": \"stranger\"}");
    JsonNode list = parley.send("GET", tickets("tk-person"), key, null).json().get("results");
    assertThat(list.get(0).get("person").isNull()).isTrue();
    assertThat(list.get(1).get("person")).isEqualTo(person);
    assertThat(parley.send("GET", tickets("tk-person") + "1/", key, null).json().get("person"))
        .isEqualTo(person);
    // Another tenant's ticket for the same distinct id knows no such person.
    String other = parley.key("tk-person-other", "ticket:write");
    assertThat(
            create(other, "tk-person-other", "{\"distinct_id\": \"cust-1\"}")
                .get("person")
                .isNull())
        .isTrue();
  }

  @Test
  void updatesWithPostHogsAssigneeRulesSnoozeAndMessages() {
    String key = parley.key("tk-update", "ticket:write");
    create(key, "tk-update", "{}");
    String path = tickets("tk-update") + "1/";

    JsonNode assigned =
        parley.send("PATCH", path, key, "{\"assignee\": {\"type\": \"user\", \"id\": 42}}").json();
    assertThat(assigned.get("assignee"))
        .isEqualTo(json("{\"id\": 42, \"type\": \"user\", \"user\": null, \"role\": null}"));
    assertThat(
            parley
                .send("PUT", path, key, "{\"priority\": \"low\", \"escalation_reason\": \"vip\"}")
                .json()
                .get("assignee")
                .get("id")
                .asInt())
        .isEqualTo(42);
    for (String[] refused :
        List.of(
            new String[] {"\"bob\"", "must be an object"},
            new String[] {"{\"type\": \"user\"}", "must have 'type' and 'id'"},
            new String[] {"{\"type\": \"team\", \"id\": 1}", "type must be 'user' or 'role'"},
            new String[] {"{\"type\": \"user\", \"id\": \"x\"}", "user id must be an integer"},
            new String[] {"{\"type\": \"role\", \"id\": \"x\"}", "role id must be a valid UUID"})) {
      Response response = parley.send("PATCH", path, key, "{\"assignee\": " + refused[0] + "}");
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.json())
          .isEqualTo(
              json(
                  "{\"type\": \"validation_error\", \"code\": \"invalid_input\", \"detail\": \""
                      + refused[1]
                      + "\", \"attr\": \"assignee\"}"));
    }
    assertThat(
            parley.send("PATCH", path, key, "{\"assignee\": null}").json().get("assignee").isNull())
        .isTrue();

    JsonNode snoozed =
        parley.send("PATCH", path, key, "{\"snoozed_until\": \"2030-01-01T00:00:00Z\"}").json();
    assertThat(snoozed.get("status").asText()).isEqualTo("on_hold");
    assertThat(snoozed.get("snoozed_until").asText()).isEqualTo("2030-01-01T00:00:00.000000Z");
    JsonNode unsnoozed = parley.send("PATCH", path, key, "{\"snoozed_until\": null}").json();
    assertThat(unsnoozed.get("status").asText()).isEqualTo("open");
    assertThat(
            parley.send("PATCH", path, key, "{\"priority\": null}").json().get("priority").isNull())
        .isTrue();

    // Status, priority and assignee changes are recorded with the key that made them.
    List<TicketActivity> activity =
        nativeTickets(key)
            .listTicketActivity(ListTicketActivityRequest.newBuilder().setTicket("1").build())
            .getActivityList();
    assertThat(activity)
        .extracting(TicketActivity::getField, TicketActivity::getBefore, TicketActivity::getAfter)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("assignee", "", "user:42"),
            org.assertj.core.groups.Tuple.tuple("priority", "", "low"),
            org.assertj.core.groups.Tuple.tuple("assignee", "user:42", ""),
            org.assertj.core.groups.Tuple.tuple("status", "new", "on_hold"),
            org.assertj.core.groups.Tuple.tuple("status", "on_hold", "open"),
            org.assertj.core.groups.Tuple.tuple("priority", "low", ""));
    assertThat(activity.getFirst().getActor()).startsWith("key:");

    Response badStatus = parley.send("PATCH", path, key, "{\"status\": \"closed\"}");
    assertThat(badStatus.json())
        .isEqualTo(
            json(
                "{\"type\": \"validation_error\", \"code\": \"invalid_choice\","
                    + " \"detail\": \"\\\"closed\\\" is not a valid choice.\", \"attr\": \"status\"}"));
    assertThat(parley.send("PATCH", path, key, "{\"ai_resolved\": \"yes\"}").json())
        .isEqualTo(
            json(
                "{\"type\": \"validation_error\", \"code\": \"invalid_input\","
                    + " \"detail\": \"Must be a valid boolean.\", \"attr\": \"ai_resolved\"}"));
    assertThat(parley.send("PATCH", path, key, "{\"tags\": null}").json())
        .isEqualTo(
            json(
                "{\"type\": \"validation_error\", \"code\": \"null\","
                    + " \"detail\": \"This field may not be null.\", \"attr\": \"tags\"}"));
    assertThat(
            parley
                .send("PATCH", path, key, "{\"tags\": \"billing\"}")
                .json()
                .get("detail")
                .asText())
        .isEqualTo("Expected a list of items but got type \"str\".");
    assertThat(parley.send("PATCH", path, key, "{\"sla_due_at\": \"tomorrow\"}").status())
        .isEqualTo(400);
    assertThat(parley.send("PATCH", path, key, "{\"status\": ").status()).isEqualTo(400);
    assertThat(
            parley
                .send("POST", tickets("tk-update"), key, "{\"channel_source\": \"fax\"}")
                .status())
        .isEqualTo(400);
  }

  @Test
  void theNativeServiceUpdatesWithFieldMasksAndAgreesWithPostHogs() {
    String key = parley.key("tk-native", "ticket:write");
    create(key, "tk-native", "{\"priority\": \"low\"}");
    TicketServiceBlockingStub tickets = nativeTickets(key);

    Ticket updated =
        tickets.updateTicket(
            UpdateTicketRequest.newBuilder()
                .setTicket("1")
                .setValues(Ticket.newBuilder().setStatus("pending").setAssignee("user:9"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("status").addPaths("assignee"))
                .build());
    assertThat(updated.getStatus()).isEqualTo("pending");
    assertThat(updated.getAssignee()).isEqualTo("user:9");
    assertThat(updated.getPriority()).isEqualTo("low");
    JsonNode posthog = parley.send("GET", tickets("tk-native") + "1/", key, null).json();
    assertThat(posthog.get("status").asText()).isEqualTo("pending");
    assertThat(posthog.at("/assignee/id").asInt()).isEqualTo(9);

    Ticket cleared =
        tickets.updateTicket(
            UpdateTicketRequest.newBuilder()
                .setTicket(updated.getId())
                .setUpdateMask(FieldMask.newBuilder().addPaths("priority").addPaths("assignee"))
                .build());
    assertThat(cleared.getPriority()).isEmpty();
    assertThat(cleared.getAssignee()).isEmpty();
    for (UpdateTicketRequest refused :
        List.of(
            UpdateTicketRequest.newBuilder().setTicket("1").build(),
            UpdateTicketRequest.newBuilder()
                .setTicket("1")
                .setUpdateMask(FieldMask.newBuilder().addPaths("ticket_number"))
                .build(),
            UpdateTicketRequest.newBuilder()
                .setTicket("1")
                .setValues(Ticket.newBuilder().setAssignee("team:x"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("assignee"))
                .build())) {
      assertThat(
              catchThrowableOfType(
                      StatusRuntimeException.class, () -> tickets.updateTicket(refused))
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
    // Create parses the assignee as update does: a malformed one is refused, never stored.
    assertThat(
            catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        tickets.createTicket(
                            CreateTicketRequest.newBuilder()
                                .setTicket(Ticket.newBuilder().setAssignee("user:abc"))
                                .build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(
            tickets
                .createTicket(
                    CreateTicketRequest.newBuilder()
                        .setTicket(Ticket.newBuilder().setAssignee("user:007"))
                        .build())
                .getAssignee())
        .isEqualTo("user:7");
    assertThat(
            catchThrowableOfType(
                    StatusRuntimeException.class,
                    () ->
                        nativeTickets(parley.key("tk-native-other", "ticket:write"))
                            .updateTicket(
                                UpdateTicketRequest.newBuilder()
                                    .setTicket("1")
                                    .setUpdateMask(FieldMask.newBuilder().addPaths("status"))
                                    .setValues(Ticket.newBuilder().setStatus("open"))
                                    .build()))
                .getStatus()
                .getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
  }

  @Test
  void recordsWhatTheChannelKnowsAndFiltersByChannelDetail() {
    String key = parley.key("tk-channel", "ticket:write");
    create(
        key,
        "tk-channel",
        """
        {"channel_source": "email", "channel_detail": null,
         "email_subject": "Invoice 2041 is wrong", "email_from": "ana@example.com",
         "email_to": "support@example.com", "cc_participants": ["cfo@example.com"]}
        """);
    JsonNode github =
        create(
            key,
            "tk-channel",
            """
            {"channel_source": "github", "channel_detail": "github_issue",
             "github_repo": "acme/widgets", "github_issue_number": 42}
            """);
    assertThat(fields(github, "channel_detail", "github_repo", "github_issue_number"))
        .isEqualTo(
            json(
                """
                {"channel_detail": "github_issue", "github_repo": "acme/widgets",
                 "github_issue_number": 42}
                """));

    // An update changes what it names: a null clears, the rest stays.
    Response updated =
        parley.send(
            "PATCH",
            tickets("tk-channel") + "1/",
            key,
            "{\"email_subject\": \"Re: Invoice 2041 is wrong\", \"email_to\": null}");
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(
            fields(
                updated.json(),
                "channel_detail",
                "email_subject",
                "email_from",
                "email_to",
                "cc_participants",
                "github_repo",
                "github_issue_number"))
        .isEqualTo(
            json(
                """
                {"channel_detail": null, "email_subject": "Re: Invoice 2041 is wrong",
                 "email_from": "ana@example.com", "email_to": null,
                 "cc_participants": ["cfo@example.com"], "github_repo": null,
                 "github_issue_number": null}
                """));

    assertThat(numbers(key, "tk-channel", "?channel_detail=github_issue")).containsExactly(2);
    assertThat(numbers(key, "tk-channel", "?channel_detail=carrier_pigeon&order_by=ticket_number"))
        .containsExactly(1, 2);
    assertThat(numbers(key, "tk-channel", "?search=invoice%202041")).containsExactly(1);

    Response badDetail =
        parley.send("POST", tickets("tk-channel"), key, "{\"channel_detail\": \"fax\"}");
    assertThat(badDetail.status()).isEqualTo(400);
    assertThat(badDetail.json())
        .isEqualTo(
            json(
                """
                {"type": "validation_error", "code": "invalid_choice",
                 "detail": "\\"fax\\" is not a valid choice.", "attr": "channel_detail"}
                """));
    assertThat(
            parley.send("POST", tickets("tk-channel"), key, "{\"github_issue_number\": -1}").json())
        .isEqualTo(
            json(
                """
                {"type": "validation_error", "code": "min_value",
                 "detail": "Ensure this value is greater than or equal to 0.",
                 "attr": "github_issue_number"}
                """));
    assertThat(
            parley
                .send(
                    "POST",
                    tickets("tk-channel"),
                    key,
                    "{\"email_subject\": \"" + "x".repeat(501) + "\"}")
                .json()
                .get("code")
                .asText())
        .isEqualTo("max_length");
    // Refused creates wrote nothing.
    assertThat(numbers(key, "tk-channel", "?order_by=ticket_number")).containsExactly(1, 2);
  }

  private static JsonNode fields(JsonNode ticket, String... names) {
    ObjectNode picked = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (String name : names) {
      picked.set(name, ticket.get(name));
    }
    return picked;
  }

  @Test
  void listsWithPostHogsFiltersIgnoringUnusableValues() {
    String key = parley.key("tk-list", "ticket:write");
    create(
        key,
        "tk-list",
        "{\"priority\": \"high\", \"tags\": [\"billing\"], \"distinct_id\": \"a\"}");
    create(
        key,
        "tk-list",
        "{\"status\": \"open\", \"anonymous_traits\": {\"email\": \"zoe@example.com\"},"
            + " \"sla_due_at\": \"2000-01-01T00:00:00Z\", \"distinct_id\": \"b\"}");
    create(key, "tk-list", "{\"status\": \"resolved\", \"tags\": [\"urgent\"]}");
    parley.send(
        "PATCH", tickets("tk-list") + "3/", key, "{\"assignee\": {\"type\": \"user\", \"id\": 7}}");

    assertThat(numbers(key, "")).containsExactly(3, 2, 1);
    assertThat(numbers(key, "?status=new,open,bogus")).containsExactly(2, 1);
    assertThat(numbers(key, "?status=bogus")).containsExactly(3, 2, 1);
    assertThat(numbers(key, "?priority=high")).containsExactly(1);
    assertThat(numbers(key, "?assignee=unassigned")).containsExactly(2, 1);
    assertThat(numbers(key, "?assignee=user:7")).containsExactly(3);
    assertThat(numbers(key, "?assignee=nobody")).containsExactly(3, 2, 1);
    assertThat(numbers(key, "?search=2")).containsExactly(2);
    assertThat(numbers(key, "?search=ZOE")).containsExactly(2);
    assertThat(numbers(key, "?tags=%5B%22billing%22,%22urgent%22%5D")).containsExactly(3, 1);
    assertThat(numbers(key, "?tags=not-json")).containsExactly(3, 2, 1);
    assertThat(numbers(key, "?sla=breached")).containsExactly(2);
    assertThat(numbers(key, "?distinct_ids=a,b")).containsExactly(2, 1);
    assertThat(numbers(key, "?order_by=ticket_number")).containsExactly(1, 2, 3);
    assertThat(numbers(key, "?order_by=-nonsense")).containsExactly(3, 2, 1);
    assertThat(numbers(key, "?date_from=-1d")).containsExactly(3, 2, 1);
    assertThat(numbers(key, "?date_to=2000-01-01")).isEmpty();
    assertThat(numbers(key, "?date_from=garbage")).containsExactly(3, 2, 1);

    JsonNode page =
        parley.send("GET", tickets("tk-list") + "?status=new,open&limit=1", key, null).json();
    assertThat(page.get("count").asInt()).isEqualTo(2);
    assertThat(page.get("next").asText())
        .isEqualTo(parley.baseUrl() + tickets("tk-list") + "?status=new%2Copen&limit=1&offset=1");
    assertThat(page.get("previous").isNull()).isTrue();

    parley.send(
        "PATCH", tickets("tk-list") + "1/", key, "{\"snoozed_until\": \"2031-01-01T00:00:00Z\"}");
    assertThat(numbers(key, "?snoozed=true")).containsExactly(1);
    assertThat(numbers(key, "?snoozed=false&order_by=ticket_number")).containsExactly(2, 3);
    assertThat(numbers(key, "?snoozed=maybe")).hasSize(3);
    // Search reads every message of a ticket, not only the last one.
    customerWrites(key, "3", 2);
    assertThat(numbers(key, "?search=broken%200")).containsExactly(3);
  }

  @Test
  void ticketNumbersHaveNoDuplicatesOrGapsUnderConcurrentCreates() throws Exception {
    String key = parley.key("tk-race", "ticket:write");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> numbers = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        numbers.add(pool.submit(() -> create(key, "tk-race", "{}").get("ticket_number").asInt()));
      }
      List<Integer> allocated = new ArrayList<>();
      for (Future<Integer> number : numbers) {
        allocated.add(number.get());
      }
      assertThat(allocated)
          .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 60).boxed().toList());

      // Concurrent customer messages and team reads: nothing is lost, the counter matches.
      List<Future<?>> work = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String ticket = Integer.toString(1 + i % 4);
        work.add(pool.submit(() -> customerWrites(key, ticket, 1)));
        if (i % 10 == 0) {
          work.add(
              pool.submit(() -> parley.send("GET", tickets("tk-race") + ticket + "/", key, null)));
        }
      }
      for (Future<?> done : work) {
        done.get();
      }
    } finally {
      pool.shutdown();
    }
    JsonNode list = parley.send("GET", tickets("tk-race") + "?limit=1000", key, null).json();
    int messages = 0;
    int unread = 0;
    for (JsonNode ticket : list.get("results")) {
      messages += ticket.get("message_count").asInt();
      unread += ticket.get("unread_team_count").asInt();
    }
    assertThat(messages).isEqualTo(40);
    assertThat(
            parley
                .send("GET", tickets("tk-race") + "unread_count/", key, null)
                .json()
                .get("count")
                .asInt())
        .isEqualTo(unread);
    for (int ticket = 1; ticket <= 4; ticket++) {
      parley.send("GET", tickets("tk-race") + ticket + "/", key, null);
    }
    assertThat(parley.send("GET", tickets("tk-race") + "unread_count/", key, null).json())
        .isEqualTo(json("{\"count\": 0}"));
  }

  @Test
  void scopesAndTenantsAreEnforcedOnEveryRoute() {
    String owner = parley.key("tk-owner", "ticket:write");
    String reader = parley.key("tk-owner", "ticket:read");
    String other = parley.key("tk-other", "ticket:write");
    String conversationsOnly = parley.key("tk-owner", "conversation:read,conversation:write");
    create(owner, "tk-owner", "{\"tags\": [\"secret\"]}");
    customerWrites(owner, "1", 1);

    assertThat(parley.send("GET", tickets("tk-owner"), reader, null).status()).isEqualTo(200);
    assertThat(parley.send("POST", tickets("tk-owner"), reader, "{}").status()).isEqualTo(403);
    assertThat(parley.send("PATCH", tickets("tk-owner") + "1/", reader, "{}").status())
        .isEqualTo(403);
    assertThat(parley.send("GET", tickets("tk-owner"), conversationsOnly, null).status())
        .isEqualTo(403);

    for (String project : List.of("tk-owner", "@current")) {
      String expected = project.equals("@current") ? "200" : "404";
      assertThat(Integer.toString(parley.send("GET", tickets(project), other, null).status()))
          .isEqualTo(expected);
      assertThat(parley.send("GET", tickets(project) + "1/", other, null).status()).isEqualTo(404);
      assertThat(
              parley
                  .send("PATCH", tickets(project) + "1/", other, "{\"status\": \"open\"}")
                  .status())
          .isEqualTo(404);
      assertThat(parley.send("DELETE", tickets(project) + "1/", other, null).status())
          .isEqualTo(404);
      assertThat(parley.send("POST", tickets(project) + "1/suggest_reply/", other, "{}").status())
          .isEqualTo(project.equals("@current") ? 404 : 404);
    }
    assertThat(parley.send("POST", tickets("tk-owner"), other, "{}").status()).isEqualTo(404);
    assertThat(parley.send("GET", tickets("tk-owner") + "unread_count/", other, null).status())
        .isEqualTo(404);
    assertThat(parley.send("GET", tickets("@current"), other, null).json().get("count").asInt())
        .isZero();
    assertThat(parley.send("GET", tickets("@current") + "unread_count/", other, null).json())
        .isEqualTo(json("{\"count\": 0}"));
    // The other tenant numbers its own tickets from 1.
    assertThat(create(other, "tk-other", "{}").get("ticket_number").asInt()).isEqualTo(1);
    JsonNode mine = parley.send("GET", tickets("tk-owner") + "1/", owner, null).json();
    assertThat(mine.get("tags")).isEqualTo(json("[\"secret\"]"));
    assertThat(mine.get("status").asText()).isEqualTo("new");
  }

  private List<Integer> numbers(String key, String query) {
    return numbers(key, "tk-list", query);
  }

  private List<Integer> numbers(String key, String project, String query) {
    List<Integer> numbers = new ArrayList<>();
    parley
        .send("GET", tickets(project) + query, key, null)
        .json()
        .get("results")
        .forEach(ticket -> numbers.add(ticket.get("ticket_number").asInt()));
    return numbers;
  }
}
