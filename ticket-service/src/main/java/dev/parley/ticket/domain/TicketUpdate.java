package dev.parley.ticket.domain;

import java.time.Instant;
import java.util.List;

/**
 * The writable fields an update sets. A null field is absent (left as it is); a {@link Set} with a
 * null value sets the field to null (unassign, clear the priority).
 */
public record TicketUpdate(
    Set<String> status,
    Set<String> priority,
    Set<Ticket.Assignee> assignee,
    Set<String> anonymousTraitsJson,
    Set<Boolean> aiResolved,
    Set<String> escalationReason,
    Set<Instant> slaDueAt,
    Set<Instant> snoozedUntil,
    Set<List<String>> tags) {

  /** A value to set, possibly null. */
  public record Set<T>(T value) {}
}
