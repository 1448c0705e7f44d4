package dev.parley.analytics.store;

import static dev.parley.analytics.store.schema.Tables.QUERY_EVENT;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.analytics.domain.QueryStore;
import dev.parley.analytics.domain.QueryView;
import dev.parley.analytics.store.QuerySql.Compiled;
import dev.parley.analytics.store.QuerySql.Output;
import dev.parley.analytics.v1.Filter;
import dev.parley.analytics.v1.Query;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.time.Iso8601;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Runs analytics queries in the tenant's transaction, with a statement timeout: one statement per
 * query, its total counted by a window over the same rows.
 */
final class JooqQueryStore implements QueryStore {
  /** How long one query may run. */
  static final int TIMEOUT_MILLIS = 10_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOTAL = "__total";

  private final TenantDatabase database;
  private final int timeoutMillis;

  @Inject
  JooqQueryStore(TenantDatabase database) {
    this(database, TIMEOUT_MILLIS);
  }

  JooqQueryStore(TenantDatabase database, int timeoutMillis) {
    this.database = requireNonNull(database, "database is null");
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public Rows run(String tenantId, QueryView view, Query query, int maxRows) {
    QuerySql sql = new QuerySql(view);
    Compiled compiled = sql.compile(query);
    List<SelectField<?>> select = new ArrayList<>(compiled.select());
    select.add(DSL.count().over().as(DSL.quotedName(TOTAL)));
    return bounded(
        tenantId,
        tx -> {
          List<Map<String, Object>> rows = new ArrayList<>();
          int total = 0;
          var rowsOfTenant =
              tx.select(select)
                  .from(QuerySql.table(view))
                  .where(sql.tenant().eq(tenantId), compiled.where());
          // No GROUP BY at all unless grouped: "GROUP BY ()" would make one row of everything.
          var grouped =
              compiled.groupBy().isEmpty()
                  ? rowsOfTenant
                  : rowsOfTenant.groupBy(compiled.groupBy());
          for (Record record : grouped.orderBy(compiled.orderBy()).limit(maxRows).fetch()) {
            rows.add(QuerySql.row(compiled.outputs(), record));
            total = record.get(TOTAL, Integer.class);
          }
          return new Rows(compiled.outputs().stream().map(Output::name).toList(), rows, total);
        });
  }

  @Override
  public List<String> propertyKeys(
      String tenantId, List<QueryView> views, String field, Filter where, int limit) {
    return bounded(
        tenantId,
        tx -> {
          TreeSet<String> keys = new TreeSet<>();
          for (QueryView view : views) {
            QuerySql sql = new QuerySql(view);
            Field<?> json = sql.column("field", field);
            Field<String> key = DSL.field("jsonb_object_keys({0})", SQLDataType.VARCHAR, json);
            keys.addAll(
                tx.selectDistinct(key)
                    .from(QuerySql.table(view))
                    .where(
                        sql.tenant().eq(tenantId),
                        DSL.condition("jsonb_typeof({0}) = 'object'", json),
                        filter(sql, where))
                    .orderBy(DSL.inline(1))
                    .limit(limit)
                    .fetch(key));
          }
          return keys.stream().limit(limit).toList();
        });
  }

  @Override
  public List<String> propertyValues(
      String tenantId, List<QueryView> views, String field, String key, Filter where, int limit) {
    return bounded(
        tenantId,
        tx -> {
          TreeSet<String> values = new TreeSet<>();
          for (QueryView view : views) {
            QuerySql sql = new QuerySql(view);
            Field<?> json = sql.column("field", field);
            Field<String> value = DSL.field("{0} ->> {1}", SQLDataType.VARCHAR, json, DSL.val(key));
            values.addAll(
                tx.selectDistinct(value)
                    .from(QuerySql.table(view))
                    .where(sql.tenant().eq(tenantId), value.isNotNull(), filter(sql, where))
                    .orderBy(DSL.inline(1))
                    .limit(limit)
                    .fetch(value));
          }
          return values.stream().limit(limit).toList();
        });
  }

  private static Condition filter(QuerySql sql, Filter where) {
    return where == null ? DSL.noCondition() : sql.condition("where", where, 0);
  }

  @Override
  public List<SearchCount> topSearchQueries(
      String tenantId, Instant after, String projectId, int limit) {
    Field<Integer> count = DSL.count();
    return bounded(
        tenantId,
        tx ->
            tx.select(QUERY_EVENT.SEARCH_QUERY, count)
                .from(QUERY_EVENT)
                .where(searches(tenantId, after, projectId))
                .groupBy(QUERY_EVENT.SEARCH_QUERY)
                .orderBy(count.desc(), QUERY_EVENT.SEARCH_QUERY)
                .limit(limit)
                .fetch(row -> new SearchCount(row.value1(), row.value2())));
  }

  @Override
  public List<WeekCount> weeklySearchUsers(String tenantId, Instant after, String projectId) {
    Field<OffsetDateTime> week =
        DSL.field(
            "date_trunc('week', {0}, 'UTC')",
            SQLDataType.TIMESTAMPWITHTIMEZONE, QUERY_EVENT.CREATED_AT);
    Field<String> user =
        DSL.field(
            "coalesce({0} ->> 'id', {0} ->> 'userId')",
            SQLDataType.VARCHAR, QUERY_EVENT.USER_PROPERTIES);
    Field<Integer> users = DSL.countDistinct(user);
    return bounded(
        tenantId,
        tx ->
            tx.select(week, users)
                .from(QUERY_EVENT)
                .where(searches(tenantId, after, projectId))
                .groupBy(week)
                .orderBy(week)
                .fetch(
                    row ->
                        new WeekCount(
                            row.value1()
                                .withOffsetSameInstant(ZoneOffset.UTC)
                                .toLocalDate()
                                .toString(),
                            row.value2())));
  }

  private static Condition searches(String tenantId, Instant after, String projectId) {
    Condition condition =
        QUERY_EVENT
            .TENANT_ID
            .eq(tenantId)
            .and(QUERY_EVENT.EVENT_TYPE.eq("search"))
            .and(QUERY_EVENT.SEARCH_QUERY.isNotNull());
    if (after != null) {
      condition = condition.and(QUERY_EVENT.CREATED_AT.gt(after.atOffset(ZoneOffset.UTC)));
    }
    if (projectId != null) {
      condition = condition.and(QUERY_EVENT.PROJECT_ID.eq(projectId));
    }
    return condition;
  }

  /** Work in the tenant's transaction under the statement timeout, with clear errors. */
  private <T> T bounded(String tenantId, TenantDatabase.TenantWork<T> work) {
    try {
      return database.inTenant(
          tenantId,
          tx -> {
            tx.select(
                    DSL.function(
                        "set_config",
                        String.class,
                        DSL.inline("statement_timeout"),
                        DSL.inline(Integer.toString(timeoutMillis)),
                        DSL.inline(true)))
                .fetch();
            return work.run(tx);
          });
    } catch (DataAccessException e) {
      String state = e.sqlState();
      if ("57014".equals(state)) {
        // A 4xx: the same query would run as long again, and clients retry 5xx answers.
        throw ParleyException.invalidArgument(
            "query",
            "ran longer than "
                + (timeoutMillis >= 1000 ? timeoutMillis / 1000 + " s" : timeoutMillis + " ms")
                + "; narrow it with where, or group by fewer columns");
      }
      if (state != null && state.startsWith("22")) {
        // Data exceptions: values the query cannot compute with (numeric overflow, ...).
        throw ParleyException.invalidArgument("query", "cannot be computed: " + firstLine(e));
      }
      throw e;
    }
  }

  private static String firstLine(DataAccessException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    String message = String.valueOf(cause.getMessage());
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).replaceFirst("^ERROR: ", "");
  }

  /** Puts a column's value in a row, spreading an unpacked JSON object over its keys. */
  static void put(Map<String, Object> row, Output output, Object value) {
    String name = output.name();
    if (value == null) {
      row.put(name, null);
      return;
    }
    switch (output.kind()) {
      case TEXT -> row.put(name, value.toString());
      case NUMBER ->
          row.put(name, value instanceof BigDecimal decimal ? decimal.stripTrailingZeros() : value);
      case TIME -> row.put(name, Iso8601.format(((OffsetDateTime) value).toInstant()));
      // Compact JSON text, as the JSON answers write it (PostgreSQL's text has spaces).
      case JSON -> row.put(name, new Json(parse(((JSONB) value).data()).toString()));
      case UNPACK -> {
        String text = ((JSONB) value).data();
        JsonNode node = parse(text);
        if (node.isObject()) {
          node.properties()
              .forEach(
                  entry ->
                      row.put(name + "." + entry.getKey(), new Json(entry.getValue().toString())));
        } else {
          row.put(name, new Json(node.toString()));
        }
      }
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("PostgreSQL returned JSON that does not parse", e);
    }
  }
}
