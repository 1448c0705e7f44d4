package dev.parley.ticket.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/** Storage of tickets; every method is scoped to one tenant. */
public interface TicketStore {
  /** The tickets of those of the conversations that were escalated, by conversation id. */
  Map<String, UUID> ticketsOfConversations(String tenantId, Collection<String> conversationIds);

  /** The cursor of the last record applied from an event stream, if any. */
  Optional<String> cursor(String stream);

  /** Stores the cursor of the last record applied from an event stream. */
  void saveCursor(String stream, String cursor);

  /**
   * Inserts the ticket under the tenant's next number, allocated in the same transaction (no
   * duplicates under concurrent creates, no gaps when a create fails). A ticket of a conversation
   * that already has one is not inserted: the existing ticket is returned.
   */
  Ticket create(Ticket withoutNumber);

  /**
   * Records messages on the ticket under its row lock: the ones never recorded before (by id) are
   * passed to {@code count}, whose ticket is stored. Empty when there is no such ticket.
   */
  Optional<Ticket> recordMessages(
      String tenantId,
      TicketRef ref,
      List<NewMessage> messages,
      BiFunction<Ticket, List<NewMessage>, Ticket> count);

  /**
   * A ticket by its UUID or by its number (exactly one is set), resolved in the statement that
   * reads or locks it.
   */
  record TicketRef(UUID id, Integer number) {
    public static TicketRef of(UUID id) {
      return new TicketRef(id, null);
    }

    public static TicketRef of(int number) {
      return new TicketRef(null, number);
    }
  }

  /** A message to record: its id (null: always counted), author and text. */
  record NewMessage(String messageId, boolean fromCustomer, String text) {}

  Optional<Ticket> find(String tenantId, TicketRef ref);

  /**
   * Applies the change to the ticket under its row lock and records the activity it makes of the
   * ticket before and after, in the same transaction; empty when there is no such ticket.
   */
  Optional<Ticket> change(
      String tenantId,
      TicketRef ref,
      UnaryOperator<Ticket> change,
      BiFunction<Ticket, Ticket, List<Activity>> activity);

  /** The ticket's recorded changes, oldest first. */
  List<Activity> activity(String tenantId, UUID id);

  /** One recorded change of a field: before and after as text (null when unset). */
  record Activity(String field, String before, String after, String actor, Instant time) {}

  /** A page of the tickets matching the filter, in its order, with the total. */
  Page list(String tenantId, TicketFilter filter, TicketOrder order, int offset, int limit);

  boolean delete(String tenantId, TicketRef ref);

  /** The sum of unread_team_count over unresolved tickets. */
  int unreadCount(String tenantId);

  /** A page and the number of matching tickets. */
  record Page(List<Ticket> tickets, int total) {}

  /**
   * Which tickets a list shows; null fields and empty sets do not filter. {@code snoozed} keeps
   * tickets with (true) or without (false) a snooze time. {@code slaDueBefore} and {@code
   * slaDueAfter} bound {@code sla_due_at} (exclusive, inclusive). {@code traitsText} matches the
   * traits' name or email, the email subject or a message.
   */
  record TicketFilter(
      Set<String> statuses,
      Set<String> priorities,
      String channelSource,
      String channelDetail,
      Ticket.Assignee assignee,
      boolean unassigned,
      Instant updatedFrom,
      Instant updatedUntil,
      Set<String> distinctIds,
      Integer number,
      String traitsText,
      Instant slaDueBefore,
      Instant slaDueAfter,
      Set<String> anyTags,
      Boolean snoozed) {

    /** Tickets in these statuses (all when empty). */
    public static TicketFilter ofStatuses(Set<String> statuses) {
      return new TicketFilter(
          statuses, null, null, null, null, false, null, null, null, null, null, null, null, null,
          null);
    }
  }

  /** A sort field and direction; ties break by id. */
  record TicketOrder(String field, boolean descending) {}
}
