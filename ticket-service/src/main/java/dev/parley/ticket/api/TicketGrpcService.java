package dev.parley.ticket.api;

import static dev.parley.platform.grpc.Responses.respond;
import static java.util.Objects.requireNonNull;

import com.google.protobuf.Empty;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.grpc.CallContext;
import dev.parley.platform.identity.Principal;
import dev.parley.platform.proto.ProtoJson;
import dev.parley.platform.proto.ProtoTime;
import dev.parley.ticket.domain.Ticket;
import dev.parley.ticket.domain.TicketStore;
import dev.parley.ticket.domain.TicketUpdate;
import dev.parley.ticket.domain.TicketUpdate.Set;
import dev.parley.ticket.domain.Tickets;
import dev.parley.ticket.v1.CreateTicketRequest;
import dev.parley.ticket.v1.DeleteTicketRequest;
import dev.parley.ticket.v1.GetTicketRequest;
import dev.parley.ticket.v1.GetUnreadCountRequest;
import dev.parley.ticket.v1.GetUnreadCountResponse;
import dev.parley.ticket.v1.ListTicketActivityRequest;
import dev.parley.ticket.v1.ListTicketActivityResponse;
import dev.parley.ticket.v1.ListTicketsRequest;
import dev.parley.ticket.v1.ListTicketsResponse;
import dev.parley.ticket.v1.MarkTicketReadRequest;
import dev.parley.ticket.v1.RecordTicketMessagesRequest;
import dev.parley.ticket.v1.TicketActivity;
import dev.parley.ticket.v1.TicketMessage;
import dev.parley.ticket.v1.TicketServiceGrpc;
import dev.parley.ticket.v1.UpdateTicketRequest;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The native {@code parley.ticket.v1.TicketService}. */
public final class TicketGrpcService extends TicketServiceGrpc.TicketServiceImplBase {
  private static final int DEFAULT_PAGE_SIZE = 100;
  private static final int MAX_PAGE_SIZE = 1000;

  private final Tickets tickets;

  @Inject
  public TicketGrpcService(Tickets tickets) {
    this.tickets = requireNonNull(tickets, "tickets is null");
  }

  @Override
  public void createTicket(
      CreateTicketRequest request, StreamObserver<dev.parley.ticket.v1.Ticket> response) {
    var sent = request.getTicket();
    Ticket.Assignee assignee = assignee("ticket.assignee", sent.getAssignee());
    TicketUpdate fields =
        new TicketUpdate(
            sent.getStatus().isEmpty() ? null : new Set<>(sent.getStatus()),
            sent.getPriority().isEmpty() ? null : new Set<>(sent.getPriority()),
            assignee == null ? null : new Set<>(assignee),
            sent.hasAnonymousTraits()
                ? new Set<>(ProtoJson.toJson(sent.getAnonymousTraits()))
                : null,
            new Set<>(sent.getAiResolved()),
            sent.getEscalationReason().isEmpty() ? null : new Set<>(sent.getEscalationReason()),
            sent.hasSlaDueTime() ? new Set<>(ProtoTime.instant(sent.getSlaDueTime())) : null,
            sent.hasSnoozedUntil() ? new Set<>(ProtoTime.instant(sent.getSnoozedUntil())) : null,
            new Set<>(List.copyOf(sent.getTagsList())),
            null);
    Ticket created =
        tickets.create(
            CallContext.tenantId(),
            sent.getChannelSource().isEmpty() ? null : sent.getChannelSource(),
            sent.getDistinctId(),
            null,
            sent.getConversationId().isEmpty() ? null : sent.getConversationId(),
            fields);
    respond(response, toProto(created));
  }

  @Override
  public void getTicket(
      GetTicketRequest request, StreamObserver<dev.parley.ticket.v1.Ticket> response) {
    respond(response, toProto(tickets.get(CallContext.tenantId(), request.getTicket())));
  }

  @Override
  public void listTickets(
      ListTicketsRequest request, StreamObserver<ListTicketsResponse> response) {
    int pageSize = request.getPageSize() == 0 ? DEFAULT_PAGE_SIZE : request.getPageSize();
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE || request.getOffset() < 0) {
      throw ParleyException.invalidArgument(
          "page_size", "must be within 1.." + MAX_PAGE_SIZE + " with an offset of 0 or more");
    }
    TicketStore.Page page =
        tickets.list(
            CallContext.tenantId(),
            TicketStore.TicketFilter.ofStatuses(java.util.Set.copyOf(request.getStatusesList())),
            new TicketStore.TicketOrder("updated_at", true),
            request.getOffset(),
            pageSize);
    ListTicketsResponse.Builder result =
        ListTicketsResponse.newBuilder().setTotalSize(page.total());
    page.tickets().forEach(ticket -> result.addTickets(toProto(ticket)));
    respond(response, result.build());
  }

  @Override
  public void updateTicket(
      UpdateTicketRequest request, StreamObserver<dev.parley.ticket.v1.Ticket> response) {
    List<String> paths = request.getUpdateMask().getPathsList();
    if (paths.isEmpty()) {
      throw ParleyException.invalidArgument("update_mask", "name at least one field");
    }
    var values = request.getValues();
    Set<String> status = null;
    Set<String> priority = null;
    Set<Ticket.Assignee> assignee = null;
    Set<String> traits = null;
    Set<Boolean> aiResolved = null;
    Set<String> reason = null;
    Set<Instant> slaDue = null;
    Set<Instant> snoozed = null;
    Set<List<String>> tags = null;
    for (String path : paths) {
      switch (path) {
        case "status" -> status = new Set<>(values.getStatus());
        case "priority" -> priority = new Set<>(values.getPriority());
        case "assignee" -> assignee = new Set<>(assignee("values.assignee", values.getAssignee()));
        case "anonymous_traits" ->
            traits = new Set<>(ProtoJson.toJson(values.getAnonymousTraits()));
        case "ai_resolved" -> aiResolved = new Set<>(values.getAiResolved());
        case "escalation_reason" ->
            reason =
                new Set<>(
                    values.getEscalationReason().isEmpty() ? null : values.getEscalationReason());
        case "sla_due_time" ->
            slaDue =
                new Set<>(
                    values.hasSlaDueTime() ? ProtoTime.instant(values.getSlaDueTime()) : null);
        case "snoozed_until" ->
            snoozed =
                new Set<>(
                    values.hasSnoozedUntil() ? ProtoTime.instant(values.getSnoozedUntil()) : null);
        case "tags" -> tags = new Set<>(List.copyOf(values.getTagsList()));
        default ->
            throw ParleyException.invalidArgument("update_mask", "cannot update '" + path + "'");
      }
    }
    respond(
        response,
        toProto(
            tickets.update(
                CallContext.tenantId(),
                request.getTicket(),
                CallContext.principal().actor(),
                new TicketUpdate(
                    status,
                    priority,
                    assignee,
                    traits,
                    aiResolved,
                    reason,
                    slaDue,
                    snoozed,
                    tags,
                    null))));
  }

  /** "user:<id>" or "role:<uuid>"; null when empty. */
  private static Ticket.Assignee assignee(String field, String text) {
    if (text.isEmpty()) {
      return null;
    }
    return Ticket.Assignee.parse(text)
        .orElseThrow(
            () ->
                ParleyException.invalidArgument(field, "must be user:<numeric id> or role:<uuid>"));
  }

  @Override
  public void deleteTicket(DeleteTicketRequest request, StreamObserver<Empty> response) {
    tickets.delete(CallContext.tenantId(), request.getTicket());
    respond(response, Empty.getDefaultInstance());
  }

  @Override
  public void recordTicketMessages(
      RecordTicketMessagesRequest request, StreamObserver<dev.parley.ticket.v1.Ticket> response) {
    List<TicketStore.NewMessage> messages = new ArrayList<>();
    for (int index = 0; index < request.getMessagesCount(); index++) {
      TicketMessage message = request.getMessages(index);
      boolean fromCustomer =
          switch (message.getAuthor()) {
            case AUTHOR_CUSTOMER -> true;
            case AUTHOR_TEAM -> false;
            case AUTHOR_UNSPECIFIED, UNRECOGNIZED ->
                throw ParleyException.invalidArgument(
                    "messages[" + index + "].author",
                    "is required: AUTHOR_CUSTOMER or AUTHOR_TEAM");
          };
      messages.add(
          new TicketStore.NewMessage(
              message.getMessageId().isEmpty() ? null : message.getMessageId(),
              fromCustomer,
              message.getText()));
    }
    respond(
        response,
        toProto(tickets.recordMessages(CallContext.tenantId(), request.getTicket(), messages)));
  }

  @Override
  public void markTicketRead(
      MarkTicketReadRequest request, StreamObserver<dev.parley.ticket.v1.Ticket> response) {
    Principal caller = CallContext.principal();
    respond(
        response,
        toProto(tickets.readByTeam(caller.tenantId(), request.getTicket(), caller.actor())));
  }

  @Override
  public void listTicketActivity(
      ListTicketActivityRequest request, StreamObserver<ListTicketActivityResponse> response) {
    ListTicketActivityResponse.Builder result = ListTicketActivityResponse.newBuilder();
    for (TicketStore.Activity entry :
        tickets.activity(CallContext.tenantId(), request.getTicket())) {
      result.addActivity(
          TicketActivity.newBuilder()
              .setField(entry.field())
              .setBefore(entry.before() == null ? "" : entry.before())
              .setAfter(entry.after() == null ? "" : entry.after())
              .setActor(entry.actor())
              .setTime(ProtoTime.timestamp(entry.time())));
    }
    respond(response, result.build());
  }

  @Override
  public void getUnreadCount(
      GetUnreadCountRequest request, StreamObserver<GetUnreadCountResponse> response) {
    respond(
        response,
        GetUnreadCountResponse.newBuilder()
            .setCount(tickets.unreadCount(CallContext.tenantId()))
            .build());
  }

  private static dev.parley.ticket.v1.Ticket toProto(Ticket ticket) {
    var proto =
        dev.parley.ticket.v1.Ticket.newBuilder()
            .setId(ticket.id().toString())
            .setTicketNumber(ticket.number())
            .setChannelSource(ticket.channelSource())
            .setDistinctId(ticket.distinctId())
            .setStatus(ticket.status())
            .setAnonymousTraits(ProtoJson.toStruct(ticket.anonymousTraitsJson()))
            .setAiResolved(ticket.aiResolved())
            .setMessageCount(ticket.messageCount())
            .setUnreadTeamCount(ticket.unreadTeamCount())
            .setUnreadCustomerCount(ticket.unreadCustomerCount())
            .addAllTags(ticket.tags())
            .setCreateTime(ProtoTime.timestamp(ticket.createdAt()))
            .setUpdateTime(ProtoTime.timestamp(ticket.updatedAt()));
    if (ticket.priority() != null) {
      proto.setPriority(ticket.priority());
    }
    if (ticket.assignee() != null) {
      proto.setAssignee(ticket.assignee().text());
    }
    if (ticket.escalationReason() != null) {
      proto.setEscalationReason(ticket.escalationReason());
    }
    if (ticket.lastMessageAt() != null) {
      proto.setLastMessageTime(ProtoTime.timestamp(ticket.lastMessageAt()));
    }
    if (ticket.lastMessageText() != null) {
      proto.setLastMessageText(ticket.lastMessageText());
    }
    if (ticket.slaDueAt() != null) {
      proto.setSlaDueTime(ProtoTime.timestamp(ticket.slaDueAt()));
    }
    if (ticket.snoozedUntil() != null) {
      proto.setSnoozedUntil(ProtoTime.timestamp(ticket.snoozedUntil()));
    }
    if (ticket.conversationId() != null) {
      proto.setConversationId(ticket.conversationId());
    }
    return proto.build();
  }
}
