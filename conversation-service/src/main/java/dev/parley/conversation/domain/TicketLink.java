package dev.parley.conversation.domain;

/**
 * ticket-service as conversations see it: the ticket a conversation is escalated to. Its later
 * messages reach the ticket through the event stream, which ticket-service follows; recording is
 * idempotent per message id on the ticket's side.
 */
public interface TicketLink {
  /**
   * Opens the conversation's ticket (or finds the one it already has) and records all its messages;
   * the ticket.
   */
  Escalation escalate(Conversation conversation, String reason);

  /** The ticket of an escalated conversation. */
  record Escalation(String ticketId, int ticketNumber) {}

  /** Whether a message is the customer's (the end user's) rather than the team's or assistant's. */
  static boolean fromCustomer(Message message) {
    return switch (message.role()) {
      case "user", "customer", "end-user" -> true;
      default -> false;
    };
  }
}
