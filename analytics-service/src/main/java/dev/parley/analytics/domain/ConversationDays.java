package dev.parley.analytics.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Conversations started per day, in UTC, as conversation-service's events told them. */
public final class ConversationDays {
  static final int MAX_DAYS = 366;

  private final AnalyticsStore store;

  @Inject
  public ConversationDays(AnalyticsStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  /** Every day of the inclusive range with its count, zero-filled, in order. */
  public Map<LocalDate, Integer> daily(String tenantId, String startDate, String endDate) {
    LocalDate from = date("startDate", startDate);
    LocalDate to = date("endDate", endDate);
    if (to.isBefore(from)) {
      throw ParleyException.invalidArgument("endDate", "must not be before startDate");
    }
    if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
      throw ParleyException.invalidArgument("endDate", "the range holds at most 366 days");
    }
    Map<LocalDate, Integer> counts = store.conversationsPerDay(tenantId, from, to);
    Map<LocalDate, Integer> days = new LinkedHashMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      days.put(day, counts.getOrDefault(day, 0));
    }
    return days;
  }

  private static LocalDate date(String field, String text) {
    if (text == null || text.isEmpty()) {
      throw ParleyException.invalidArgument(field, "is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw ParleyException.invalidArgument(field, "must be a date as YYYY-MM-DD");
    }
  }
}
