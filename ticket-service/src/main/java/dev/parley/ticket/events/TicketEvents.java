package dev.parley.ticket.events;

import dev.parley.event.v1.Event;
import dev.parley.event.v1.TicketDeleted;
import dev.parley.event.v1.TicketMessagesRecorded;
import dev.parley.event.v1.TicketState;
import dev.parley.platform.proto.ProtoTime;
import dev.parley.ticket.domain.Ticket;
import dev.parley.ticket.domain.TicketStore.NewMessage;
import java.util.List;

/**
 * ticket-service's domain events ({@code parley.event.v1}), built from domain values: the one place
 * that decides what each event carries. The store appends them in the transaction of the change.
 */
public final class TicketEvents {
  private TicketEvents() {}

  public static Event created(Ticket ticket) {
    return Event.newBuilder().setTicketCreated(state(ticket)).build();
  }

  public static Event updated(Ticket ticket) {
    return Event.newBuilder().setTicketUpdated(state(ticket)).build();
  }

  /**
   * Messages recorded on the ticket ({@code counted}, each for the first time), its state after.
   */
  public static Event messagesRecorded(Ticket after, List<NewMessage> counted) {
    return Event.newBuilder()
        .setTicketMessagesRecorded(
            TicketMessagesRecorded.newBuilder()
                .setMessages(counted.size())
                .setFromCustomer((int) counted.stream().filter(NewMessage::fromCustomer).count())
                .setUnreadTeamCount(after.unreadTeamCount())
                .setUnreadCustomerCount(after.unreadCustomerCount()))
        .build();
  }

  public static Event deleted() {
    return Event.newBuilder().setTicketDeleted(TicketDeleted.getDefaultInstance()).build();
  }

  /** A ticket's state after a change. */
  private static TicketState state(Ticket ticket) {
    TicketState.Builder state =
        TicketState.newBuilder()
            .setTicketNumber(ticket.number())
            .setStatus(ticket.status())
            .setChannelSource(ticket.channelSource())
            .setDistinctId(ticket.distinctId())
            .setUnreadTeamCount(ticket.unreadTeamCount())
            .setUnreadCustomerCount(ticket.unreadCustomerCount())
            .setCreatedAt(ProtoTime.timestamp(ticket.createdAt()))
            .setUpdatedAt(ProtoTime.timestamp(ticket.updatedAt()));
    if (ticket.priority() != null) {
      state.setPriority(ticket.priority());
    }
    if (ticket.assignee() != null) {
      state.setAssignee(ticket.assignee().text());
    }
    if (ticket.conversationId() != null) {
      state.setConversationId(ticket.conversationId());
    }
    return state.build();
  }
}
