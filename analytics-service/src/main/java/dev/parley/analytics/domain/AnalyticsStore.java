package dev.parley.analytics.domain;

import dev.parley.event.v1.EventRecord;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What analytics-service keeps. Reads are scoped to one tenant; applying an event to its own. */
public interface AnalyticsStore {
  /** The cursor of the last event applied from the stream, if any. */
  Optional<String> cursor(String stream);

  /**
   * Applies the events in order (each once: an event applied before changes nothing) and moves the
   * stream's cursor past the last, in one transaction.
   */
  void apply(String stream, List<EventRecord> records);

  /** Conversations started per day within the inclusive range; days without any are absent. */
  Map<LocalDate, Integer> conversationsPerDay(String tenantId, LocalDate from, LocalDate to);
}
