package dev.parley.analytics.domain;

import dev.parley.event.v1.Event;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;

/** What analytics-service keeps. Reads are scoped to one tenant; applying an event to its own. */
public interface AnalyticsStore {
  /** The cursor of the last event applied from the stream, if any. */
  Optional<String> cursor(String stream);

  /**
   * Applies the event (once: an event applied before changes nothing) and moves the stream's cursor
   * past it, in one transaction.
   */
  void apply(String stream, String cursor, Event event);

  /** Conversations started per day within the inclusive range; days without any are absent. */
  Map<LocalDate, Integer> conversationsPerDay(String tenantId, LocalDate from, LocalDate to);
}
