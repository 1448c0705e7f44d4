package dev.parley.ticket.domain;

import java.time.Instant;
import java.util.List;

/**
 * The writable fields an update sets. A null field is absent (left as it is); a {@link Set} with a
 * null value sets the field to null (unassign, clear the priority). {@code channelPatchJson} is a
 * JSON object of channel fields to set over the stored ones (a null value clears one), or null.
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
    Set<List<String>> tags,
    String channelPatchJson) {

  /** A value to set, possibly null. */
  public record Set<T>(T value) {}
}
