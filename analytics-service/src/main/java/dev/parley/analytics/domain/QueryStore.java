package dev.parley.analytics.domain;

import dev.parley.analytics.v1.Filter;
import dev.parley.analytics.v1.Query;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Runs queries of Inkeep's query language over the tenant's rows of a view. Values in rows are
 * String, Number, Boolean, {@link Json} or null.
 */
public interface QueryStore {
  /** A JSON value, as JSON text. */
  record Json(String text) {}

  /**
   * The first rows of a query's result (at most the requested number), how many it has, and the
   * names of its columns (an unpacked JSON column under its own name: its keys vary by row).
   */
  record Rows(List<String> columns, List<Map<String, Object>> rows, int total) {}

  /** A search query and its count. */
  record SearchCount(String searchQuery, long count) {}

  /** Distinct searching users in the week starting on {@code week} (a Monday, UTC). */
  record WeekCount(String week, long users) {}

  Rows run(String tenantId, QueryView view, Query query, int maxRows);

  /** Keys of the JSON field ("properties" or "userProperties") in the views' matching rows. */
  List<String> propertyKeys(
      String tenantId, List<QueryView> views, String field, Filter where, int limit);

  /** Distinct values (as text) of one key of the JSON field in the views' matching rows. */
  List<String> propertyValues(
      String tenantId, List<QueryView> views, String field, String key, Filter where, int limit);

  /** The most frequent search queries of search events, most frequent first. */
  List<SearchCount> topSearchQueries(String tenantId, Instant after, String projectId, int limit);

  /** Per week, the distinct users (userProperties id or userId) of search events. */
  List<WeekCount> weeklySearchUsers(String tenantId, Instant after, String projectId);
}
