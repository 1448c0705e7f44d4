package dev.parley.ticket.compat.posthog;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.compat.posthog.v1.CreateTicketRequest;
import dev.parley.compat.posthog.v1.DeleteTicketRequest;
import dev.parley.compat.posthog.v1.GetTicketRequest;
import dev.parley.compat.posthog.v1.GetUnreadCountRequest;
import dev.parley.compat.posthog.v1.ListTicketsRequest;
import dev.parley.compat.posthog.v1.ListTicketsResponse;
import dev.parley.compat.posthog.v1.PostHogTicketsServiceGrpc;
import dev.parley.compat.posthog.v1.SuggestReplyRequest;
import dev.parley.compat.posthog.v1.SuggestReplyResponse;
import dev.parley.compat.posthog.v1.UnreadCount;
import dev.parley.compat.posthog.v1.UpdateTicketRequest;
import dev.parley.conversation.v1.EndUserProfile;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.paging.OffsetPage;
import dev.parley.platform.paging.PageLinks;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.ticket.domain.Ticket;
import dev.parley.ticket.domain.TicketStore;
import dev.parley.ticket.domain.TicketUpdate;
import dev.parley.ticket.domain.TicketUpdate.Set;
import dev.parley.ticket.domain.Tickets;
import dev.parley.ticket.domain.UsageLimits;
import dev.parley.ticket.peer.AssistantPeer;
import dev.parley.ticket.peer.EndUserDirectory;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** PostHog's ticket API over ticket-service's store. */
public final class PostHogTicketsGrpcService
    extends PostHogTicketsServiceGrpc.PostHogTicketsServiceImplBase {
  /** PostHog's alias, in paths, for the key's own project. */
  private static final String CURRENT_PROJECT = "@current";

  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;

  private final Tickets tickets;
  private final EndUserDirectory endUsers;
  private final AssistantPeer assistant;
  private final UsageLimits usage;
  private final List<UsageLimits.Limit> suggestionLimits;
  private final Clock clock;

  @Inject
  public PostHogTicketsGrpcService(
      Tickets tickets,
      EndUserDirectory endUsers,
      AssistantPeer assistant,
      UsageLimits usage,
      @Named("suggestions") List<UsageLimits.Limit> suggestionLimits,
      Clock clock) {
    this.tickets = requireNonNull(tickets, "tickets is null");
    this.endUsers = requireNonNull(endUsers, "endUsers is null");
    this.assistant = requireNonNull(assistant, "assistant is null");
    this.usage = requireNonNull(usage, "usage is null");
    this.suggestionLimits = List.copyOf(suggestionLimits);
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** The ticket with its person, looked up with the caller's key. */
  private dev.parley.compat.posthog.v1.Ticket withPerson(Ticket ticket) {
    return PostHogTicketMapping.toTicket(
        ticket, endUsers.find(List.of(ticket.distinctId())).get(ticket.distinctId()));
  }

  @Override
  public void listTickets(
      ListTicketsRequest request, StreamObserver<ListTicketsResponse> response) {
    String tenantId = tenant(request.getProjectId());
    OffsetPage paging =
        OffsetPage.lenient(request.getLimit(), request.getOffset(), DEFAULT_LIMIT, MAX_LIMIT);
    TicketStore.Page page =
        tickets.list(
            tenantId,
            TicketFilters.filter(request, tickets.now()),
            TicketFilters.order(request.getOrderBy()),
            paging.offset(),
            paging.limit());
    String path = "/posthog/api/projects/" + request.getProjectId() + "/conversations/tickets/";
    Map<String, String> query = query(request);
    ListTicketsResponse.Builder result =
        ListTicketsResponse.newBuilder()
            .setCount(page.total())
            .setNext(link(path, query, paging, paging.next(page.tickets().size(), page.total())))
            .setPrevious(link(path, query, paging, paging.previous()));
    // One lookup for the persons of the whole page.
    Map<String, EndUserProfile> persons =
        endUsers.find(page.tickets().stream().map(Ticket::distinctId).toList());
    page.tickets()
        .forEach(
            ticket ->
                result.addResults(
                    PostHogTicketMapping.toTicket(ticket, persons.get(ticket.distinctId()))));
    respond(response, result.build());
  }

  @Override
  public void getUnreadCount(GetUnreadCountRequest request, StreamObserver<UnreadCount> response) {
    String tenantId = tenant(request.getProjectId());
    respond(response, UnreadCount.newBuilder().setCount(tickets.unreadCount(tenantId)).build());
  }

  @Override
  public void createTicket(
      CreateTicketRequest request, StreamObserver<dev.parley.compat.posthog.v1.Ticket> response) {
    String tenantId = tenant(request.getProjectId());
    Struct body = request.getBody();
    if (body.containsFields("assignee")) {
      throw ParleyException.invalidArgument(
          "assignee", "set the assignee by updating the ticket once it exists");
    }
    Ticket created =
        tickets.create(
            tenantId,
            optionalString(body, "channel_source"),
            optionalString(body, "distinct_id"),
            optionalString(body, "session_id"),
            null,
            update(body));
    respond(response, withPerson(created));
  }

  @Override
  public void getTicket(
      GetTicketRequest request, StreamObserver<dev.parley.compat.posthog.v1.Ticket> response) {
    String tenantId = tenant(request.getProjectId());
    respond(
        response,
        withPerson(tickets.readByTeam(tenantId, request.getId(), CallContext.principal().actor())));
  }

  @Override
  public void updateTicket(
      UpdateTicketRequest request, StreamObserver<dev.parley.compat.posthog.v1.Ticket> response) {
    String tenantId = tenant(request.getProjectId());
    respond(
        response,
        withPerson(
            tickets.update(
                tenantId,
                request.getId(),
                CallContext.principal().actor(),
                update(request.getBody()))));
  }

  @Override
  public void deleteTicket(DeleteTicketRequest request, StreamObserver<Empty> response) {
    tickets.delete(tenant(request.getProjectId()), request.getId());
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void suggestReply(
      SuggestReplyRequest request, StreamObserver<SuggestReplyResponse> response) {
    String tenantId = tenant(request.getProjectId());
    // PostHog's AI throttles come first, per key, shared by every replica.
    Optional<Duration> wait =
        usage.acquire(tenantId, CallContext.principal().keyId(), suggestionLimits, clock.instant());
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      throw new ParleyException(
              ErrorCode.RESOURCE_EXHAUSTED,
              "Request was throttled. Expected available in " + seconds + " seconds.")
          .withHeader("Retry-After", Long.toString(seconds));
    }
    Ticket ticket = tickets.get(tenantId, request.getId());
    AssistantPeer.Draft draft =
        ticket.conversationId() == null
            ? new AssistantPeer.Draft.NoMessages()
            : assistant.draftReply(ticket.conversationId());
    switch (draft) {
      case AssistantPeer.Draft.Text text when !text.text().isBlank() ->
          respond(response, SuggestReplyResponse.newBuilder().setSuggestion(text.text()).build());
      case AssistantPeer.Draft.Failed failed ->
          throw new ParleyException(
                  ErrorCode.INTERNAL, "Failed to generate suggestion. Please try again.")
              .withBody(
                  "{\"detail\":\"Failed to generate suggestion. Please try again.\","
                      + "\"error_type\":\"unknown_error\"}");
      default ->
          throw new ParleyException(ErrorCode.INVALID_ARGUMENT, "No messages in this ticket")
              .withBody("{\"detail\":\"No messages in this ticket\"}");
    }
  }

  /** The writable fields the body sets; DRF's messages for values of the wrong type. */
  private static TicketUpdate update(Struct body) {
    return new TicketUpdate(
        body.containsFields("status") ? new Set<>(requiredString(body, "status")) : null,
        body.containsFields("priority") ? new Set<>(nullableString(body, "priority")) : null,
        body.containsFields("assignee")
            ? new Set<>(assignee(body.getFieldsOrThrow("assignee")))
            : null,
        body.containsFields("anonymous_traits") ? new Set<>(traits(body)) : null,
        body.containsFields("ai_resolved") ? new Set<>(bool(body, "ai_resolved")) : null,
        body.containsFields("escalation_reason")
            ? new Set<>(nullableString(body, "escalation_reason"))
            : null,
        body.containsFields("sla_due_at") ? new Set<>(nullableTime(body, "sla_due_at")) : null,
        body.containsFields("snoozed_until")
            ? new Set<>(nullableTime(body, "snoozed_until"))
            : null,
        body.containsFields("tags") ? new Set<>(tags(body)) : null,
        channel(body));
  }

  /**
   * The channel fields the body sets (read-only in PostHog, where its channels write them; here
   * whoever creates the ticket records them), checked as PostHog's model checks them, as a JSON
   * patch; null when the body names none.
   */
  private static String channel(Struct body) {
    Struct.Builder patch = Struct.newBuilder();
    for (String field : PostHogTicketMapping.CHANNEL_TEXT_FIELDS.keySet()) {
      if (body.containsFields(field)) {
        String value = nullableString(body, field);
        int max = PostHogTicketMapping.CHANNEL_TEXT_FIELDS.get(field);
        if (value != null && value.length() > max) {
          throw ParleyException.invalidArgument(
              field, "Ensure this field has no more than " + max + " characters.");
        }
        if (value != null
            && field.equals("channel_detail")
            && !PostHogTicketMapping.CHANNEL_DETAILS.contains(value)) {
          throw ParleyException.invalidArgument(field, "\"" + value + "\" is not a valid choice.");
        }
        if (value != null
            && (field.equals("email_from") || field.equals("email_to"))
            && !value.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
          throw ParleyException.invalidArgument(field, "Enter a valid email address.");
        }
        patch.putFields(field, ProtoJson.stringOrNull(value));
      }
    }
    if (body.containsFields("github_issue_number")) {
      Value number = body.getFieldsOrThrow("github_issue_number");
      if (!number.hasNullValue()
          && !(number.hasNumberValue()
              && number.getNumberValue() == Math.rint(number.getNumberValue()))) {
        throw ParleyException.invalidArgument(
            "github_issue_number", "A valid integer is required.");
      }
      if (number.hasNumberValue() && number.getNumberValue() < 0) {
        throw ParleyException.invalidArgument(
            "github_issue_number", "Ensure this value is greater than or equal to 0.");
      }
      if (number.hasNumberValue() && number.getNumberValue() > Integer.MAX_VALUE) {
        throw ParleyException.invalidArgument(
            "github_issue_number", "Ensure this value is less than or equal to 2147483647.");
      }
      patch.putFields("github_issue_number", number);
    }
    if (body.containsFields("cc_participants")) {
      Value cc = body.getFieldsOrThrow("cc_participants");
      if (cc.hasNullValue()) {
        throw ParleyException.invalidArgument("cc_participants", "This field may not be null.");
      }
      if (!cc.hasListValue()) {
        throw ParleyException.invalidArgument(
            "cc_participants", "Expected a list of items but got type \"" + typeName(cc) + "\".");
      }
      if (cc.getListValue().getValuesCount() > PostHogTicketMapping.MAX_CC) {
        throw ParleyException.invalidArgument(
            "cc_participants",
            "Ensure this field has no more than " + PostHogTicketMapping.MAX_CC + " elements.");
      }
      for (Value address : cc.getListValue().getValuesList()) {
        if (!address.hasStringValue() || address.getStringValue().length() > 254) {
          throw ParleyException.invalidArgument("cc_participants", "Not a valid string.");
        }
      }
      patch.putFields("cc_participants", cc);
    }
    return patch.getFieldsCount() == 0 ? null : ProtoJson.toJson(patch.build());
  }

  /**
   * {"type": "user", "id": <int>}, {"type": "role", "id": "<uuid>"} or null, with PostHog's
   * messages. Parley keeps no organization directory: any user id or role UUID is accepted.
   */
  private static Ticket.Assignee assignee(Value value) {
    if (value.hasNullValue()) {
      return null;
    }
    if (!value.hasStructValue()) {
      throw ParleyException.invalidArgument("assignee", "must be an object");
    }
    Struct assignee = value.getStructValue();
    Value type = assignee.getFieldsOrDefault("type", null);
    Value id = assignee.getFieldsOrDefault("id", null);
    if (type == null || id == null || type.hasNullValue() || id.hasNullValue()) {
      throw ParleyException.invalidArgument("assignee", "must have 'type' and 'id'");
    }
    if (!type.hasStringValue()
        || !(type.getStringValue().equals("user") || type.getStringValue().equals("role"))) {
      throw ParleyException.invalidArgument("assignee", "type must be 'user' or 'role'");
    }
    if (type.getStringValue().equals("user")) {
      double number = id.hasNumberValue() ? id.getNumberValue() : Double.NaN;
      if (id.hasStringValue() && id.getStringValue().matches("\\d{1,18}")) {
        number = Double.parseDouble(id.getStringValue());
      }
      if (Double.isNaN(number) || number != Math.rint(number) || number < 0 || number > 1e15) {
        throw ParleyException.invalidArgument("assignee", "user id must be an integer");
      }
      return new Ticket.Assignee("user", Long.toString((long) number));
    }
    try {
      return new Ticket.Assignee("role", UUID.fromString(id.getStringValue()).toString());
    } catch (IllegalArgumentException e) {
      throw ParleyException.invalidArgument("assignee", "role id must be a valid UUID");
    }
  }

  private static String traits(Struct body) {
    Value traits = body.getFieldsOrThrow("anonymous_traits");
    if (!traits.hasStructValue()) {
      throw ParleyException.invalidArgument("anonymous_traits", "must be an object");
    }
    return ProtoJson.toJson(traits.getStructValue());
  }

  private static List<String> tags(Struct body) {
    Value tags = body.getFieldsOrThrow("tags");
    if (tags.hasNullValue()) {
      return null;
    }
    if (!tags.hasListValue()) {
      throw ParleyException.invalidArgument(
          "tags", "Expected a list of items but got type \"" + typeName(tags) + "\".");
    }
    List<String> values = new ArrayList<>();
    for (Value tag : tags.getListValue().getValuesList()) {
      if (!tag.hasStringValue()) {
        throw ParleyException.invalidArgument("tags", "Not a valid string.");
      }
      values.add(tag.getStringValue());
    }
    return values;
  }

  private static String requiredString(Struct body, String field) {
    String value = nullableString(body, field);
    if (value == null) {
      throw ParleyException.invalidArgument(field, "This field may not be null.");
    }
    return value;
  }

  private static String optionalString(Struct body, String field) {
    return body.containsFields(field) ? nullableString(body, field) : null;
  }

  private static String nullableString(Struct body, String field) {
    Value value = body.getFieldsOrThrow(field);
    if (value.hasNullValue()) {
      return null;
    }
    if (!value.hasStringValue()) {
      throw ParleyException.invalidArgument(field, "Not a valid string.");
    }
    return value.getStringValue();
  }

  private static boolean bool(Struct body, String field) {
    Value value = body.getFieldsOrThrow(field);
    if (!value.hasBoolValue()) {
      throw ParleyException.invalidArgument(field, "Must be a valid boolean.");
    }
    return value.getBoolValue();
  }

  private static Instant nullableTime(Struct body, String field) {
    String text = nullableString(body, field);
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ParleyException.invalidArgument(
          field,
          "Datetime has wrong format. Use one of these formats instead:"
              + " YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].");
    }
  }

  private static String typeName(Value value) {
    return switch (value.getKindCase()) {
      case STRING_VALUE -> "str";
      case NUMBER_VALUE -> "int";
      case BOOL_VALUE -> "bool";
      case STRUCT_VALUE -> "dict";
      default -> "NoneType";
    };
  }

  /** The list's filters as sent, for the next and previous links. */
  private static Map<String, String> query(ListTicketsRequest request) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("status", request.getStatus());
    query.put("priority", request.getPriority());
    query.put("channel_source", request.getChannelSource());
    query.put("channel_detail", request.getChannelDetail());
    query.put("assignee", request.getAssignee());
    query.put("date_from", request.getDateFrom());
    query.put("date_to", request.getDateTo());
    query.put("distinct_ids", request.getDistinctIds());
    query.put("search", request.getSearch());
    query.put("sla", request.getSla());
    query.put("tags", request.getTags());
    query.put("snoozed", request.getSnoozed());
    query.put("order_by", request.getOrderBy());
    return query;
  }

  /** The tenant of the path's project: the caller's, also as {@code @current}. */
  private static String tenant(String projectId) {
    return CallContext.pathTenant("Project", projectId, CURRENT_PROJECT);
  }

  private static Value link(String path, Map<String, String> query, OffsetPage paging, int offset) {
    return ProtoJson.stringOrNull(PageLinks.link(path, query, paging.limit(), offset));
  }
}
