package dev.parley.ticket.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.event.v1.Event;
import dev.parley.event.v1.EventRecord;
import dev.parley.platform.events.EventSink;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The new messages of escalated conversations, recorded on their tickets as conversation-service's
 * event stream tells them, whichever front door wrote them. Recording is idempotent per message id,
 * so the cursor is stored after the messages: a record applied twice (after a crash) changes
 * nothing the second time. The customer's messages (roles user, customer, end-user) raise the
 * team's unread count, the others the customer's.
 */
public final class ConversationMessages implements EventSink {
  private static final Set<String> CUSTOMER_ROLES = Set.of("user", "customer", "end-user");

  private final Tickets tickets;
  private final TicketStore store;

  @Inject
  public ConversationMessages(Tickets tickets, TicketStore store) {
    this.tickets = requireNonNull(tickets, "tickets is null");
    this.store = requireNonNull(store, "store is null");
  }

  @Override
  public Optional<String> cursor(String stream) {
    return store.cursor(stream);
  }

  @Override
  public void apply(String stream, List<EventRecord> records) {
    record(records);
    if (!records.isEmpty()) {
      store.saveCursor(stream, records.getLast().getCursor());
    }
  }

  @Override
  public void replay(String stream, EventRecord record) {
    record(List.of(record));
  }

  private void record(List<EventRecord> records) {
    // The new messages of each write, read once; then one lookup of tickets per tenant.
    Map<EventRecord, List<TicketStore.NewMessage>> written = new LinkedHashMap<>();
    Map<String, Set<String>> conversations = new LinkedHashMap<>();
    for (EventRecord record : records) {
      Event event = record.getEvent();
      List<TicketStore.NewMessage> messages = newMessages(event);
      if (!messages.isEmpty()) {
        written.put(record, messages);
        conversations
            .computeIfAbsent(event.getTenantId(), tenant -> new HashSet<>())
            .add(event.getSubjectId());
      }
    }
    Map<String, Map<String, UUID>> ticketsByTenant = new HashMap<>();
    conversations.forEach(
        (tenant, ids) -> ticketsByTenant.put(tenant, store.ticketsOfConversations(tenant, ids)));
    written.forEach(
        (record, messages) -> {
          Event event = record.getEvent();
          UUID ticket = ticketsByTenant.get(event.getTenantId()).get(event.getSubjectId());
          if (ticket == null) {
            return;
          }
          for (int start = 0; start < messages.size(); start += Tickets.MAX_MESSAGES_PER_CALL) {
            tickets.recordMessages(
                event.getTenantId(),
                ticket.toString(),
                messages.subList(
                    start, Math.min(messages.size(), start + Tickets.MAX_MESSAGES_PER_CALL)));
          }
        });
  }

  /** The messages an event adds to its conversation: only an upsert adds any. */
  private static List<TicketStore.NewMessage> newMessages(Event event) {
    return switch (event.getPayloadCase()) {
      case CONVERSATION_UPSERTED ->
          event.getConversationUpserted().getNewMessagesList().stream()
              .map(
                  message ->
                      new TicketStore.NewMessage(
                          message.getId(),
                          CUSTOMER_ROLES.contains(message.getRole()),
                          message.getText()))
              .toList();
      case CONVERSATION_UPDATED,
          CONVERSATION_DELETED,
          FEEDBACK_RECORDED,
          FEEDBACK_DELETED,
          EVENT_LOGGED,
          ASSISTANT_RUN_FINISHED,
          TICKET_CREATED,
          TICKET_UPDATED,
          TICKET_MESSAGES_RECORDED,
          TICKET_DELETED,
          PAYLOAD_NOT_SET ->
          List.of();
    };
  }
}
