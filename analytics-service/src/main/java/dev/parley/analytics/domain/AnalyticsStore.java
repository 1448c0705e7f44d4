package dev.parley.analytics.domain;

import dev.parley.platform.events.EventSink;
import java.time.LocalDate;
import java.util.Map;

/**
 * What analytics-service keeps. Reads are scoped to one tenant. As an event sink it applies the
 * events in order (each once: an event applied before changes nothing) and moves the stream's
 * cursor past the last, in one transaction.
 */
public interface AnalyticsStore extends EventSink {
  /** Conversations started per day within the inclusive range; days without any are absent. */
  Map<LocalDate, Integer> conversationsPerDay(String tenantId, LocalDate from, LocalDate to);
}
