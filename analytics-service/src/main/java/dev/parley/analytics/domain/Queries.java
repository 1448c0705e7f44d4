package dev.parley.analytics.domain;

import static com.google.common.base.Strings.emptyToNull;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.QueryStore.Rows;
import dev.parley.analytics.domain.QueryStore.SearchCount;
import dev.parley.analytics.domain.QueryStore.WeekCount;
import dev.parley.analytics.v1.Filter;
import dev.parley.analytics.v1.Query;
import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Inkeep's query language over what analytics-service learned, with its bounds. */
public final class Queries {
  /** Rows of one JSON answer at most (its pageSize). */
  public static final int PAGE_SIZE = 1000;

  /** Rows of one CSV export at most. */
  public static final int EXPORT_ROWS = 10_000;

  /** Property keys or values of one answer at most. */
  public static final int MAX_PROPERTIES = 1000;

  static final int DEFAULT_PROPERTY_VALUES = 100;
  static final int TOP_SEARCH_QUERIES = 100;

  private final QueryStore store;

  @Inject
  public Queries(QueryStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  public Rows run(String tenantId, QueryView view, Query query) {
    return store.run(tenantId, view, query, PAGE_SIZE);
  }

  public Rows export(String tenantId, QueryView view, Query query) {
    return store.run(tenantId, view, query, EXPORT_ROWS);
  }

  public List<String> propertyKeys(
      String tenantId, String field, List<QueryView> views, Filter where) {
    return store.propertyKeys(tenantId, all(views), jsonField(field), where, MAX_PROPERTIES);
  }

  public List<String> propertyValues(
      String tenantId,
      String field,
      String key,
      List<QueryView> views,
      Filter where,
      Integer limit) {
    if (key == null || key.isEmpty()) {
      throw ParleyException.invalidArgument("key", "is required");
    }
    int size = limit == null ? DEFAULT_PROPERTY_VALUES : limit;
    if (size < 1 || size > MAX_PROPERTIES) {
      throw ParleyException.invalidArgument("limit", "must be within 1.." + MAX_PROPERTIES);
    }
    return store.propertyValues(tenantId, all(views), jsonField(field), key, where, size);
  }

  /** The most frequent search queries; {@code after} and {@code projectId} may be null. */
  public List<SearchCount> topSearchQueries(String tenantId, Instant after, String projectId) {
    return store.topSearchQueries(tenantId, after, emptyToNull(projectId), TOP_SEARCH_QUERIES);
  }

  /** Searching users per week; {@code after} and {@code projectId} may be null. */
  public List<WeekCount> weeklySearchUsers(String tenantId, Instant after, String projectId) {
    return store.weeklySearchUsers(tenantId, after, emptyToNull(projectId));
  }

  private static List<QueryView> all(List<QueryView> views) {
    for (QueryView view : views) {
      if (!view.fields().containsKey("properties")) {
        throw ParleyException.invalidArgument(
            "views", view.viewName() + " has no properties or userProperties");
      }
    }
    return views.isEmpty() ? QueryView.INKEEP : views;
  }

  private static String jsonField(String field) {
    if (!field.equals("properties") && !field.equals("userProperties")) {
      throw ParleyException.invalidArgument("field", "must be properties or userProperties");
    }
    return field;
  }

  /** The views named (all four of Inkeep's when none). */
  public static List<QueryView> views(List<String> names) {
    if (names.isEmpty()) {
      return QueryView.INKEEP;
    }
    List<QueryView> views = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      QueryView view = QueryView.byViewName("views[" + i + "]", names.get(i));
      if (!views.contains(view)) {
        views.add(view);
      }
    }
    return views;
  }

  /** An ISO 8601 date or date-time with a zone as an instant; null when empty. */
  public static Instant after(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      return text.length() == 10
          ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ParleyException.invalidArgument(
          "after", "must be an ISO 8601 date or date-time with a zone");
    }
  }
}
