package dev.parley.analytics.store;

import static dev.parley.analytics.store.schema.Tables.QUERY_CONVERSATION;
import static dev.parley.analytics.store.schema.Tables.QUERY_EVENT;
import static dev.parley.analytics.store.schema.Tables.QUERY_FEEDBACK;
import static dev.parley.analytics.store.schema.Tables.QUERY_TICKET;

import com.google.common.collect.ImmutableMap;
import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import dev.parley.analytics.domain.QueryView;
import dev.parley.analytics.domain.QueryView.Kind;
import dev.parley.analytics.v1.Condition;
import dev.parley.analytics.v1.Filter;
import dev.parley.analytics.v1.GroupBy;
import dev.parley.analytics.v1.OrderBy;
import dev.parley.analytics.v1.Query;
import dev.parley.analytics.v1.Selection;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.proto.ProtoJson;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.SelectField;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Translates Inkeep's query language into one SQL statement over a view's table with jOOQ: fields
 * are looked up in the view's catalogue, operators in a fixed list, and every value the caller sent
 * is a bind value. Anything unknown is refused with the place it was found ({@code
 * where.and[1].condition.operator}), before any SQL runs.
 */
final class QuerySql {
  /** Output kinds: how a column's SQL value becomes a JSON value. */
  enum Out {
    TEXT,
    NUMBER,
    TIME,
    JSON,
    /** A JSON object spread over one column per key, "name.key". */
    UNPACK
  }

  /** A column of the result; {@code aggregate} when it is an aggregation. */
  record Output(String name, Out kind, boolean aggregate) {
    Output(String name, Out kind) {
      this(name, kind, false);
    }
  }

  /** The statement's parts. */
  record Compiled(
      List<SelectField<?>> select,
      List<Output> outputs,
      org.jooq.Condition where,
      boolean grouped,
      List<Field<?>> groupBy,
      List<SortField<?>> orderBy) {}

  static final Set<String> OPERATORS =
      Set.of(
          "eq",
          "neq",
          "gt",
          "gte",
          "lt",
          "lte",
          "in",
          "notIn",
          "arrayContains",
          "jsonContains",
          "jsonContainedBy",
          "jsonHasKey",
          "jsonArrayContainsObject",
          "jsonHasAnyKey",
          "jsonHasAllKeys",
          "isNull",
          "isNotNull");
  private static final int MAX_NOTES = 80;
  private static final int MAX_FILTER_DEPTH = 16;

  /** Semantic threads are a view of issues (V6), with a column per field in snake case. */
  private static final Table<?> SEMANTIC_THREAD =
      DSL.table(DSL.name("analytics", "semantic_thread"));

  private static final Map<QueryView, Map<String, Field<?>>> COLUMNS =
      ImmutableMap.of(
          QueryView.CONVERSATIONS,
          ImmutableMap.<String, Field<?>>builder()
              .put("id", QUERY_CONVERSATION.ID)
              .put("userMessageCount", QUERY_CONVERSATION.USER_MESSAGE_COUNT)
              .put("organizationId", QUERY_CONVERSATION.TENANT_ID)
              .put("projectId", QUERY_CONVERSATION.PROJECT_ID)
              .put("integrationId", QUERY_CONVERSATION.INTEGRATION_ID)
              .put("firstMessageTime", QUERY_CONVERSATION.FIRST_MESSAGE_TIME)
              .put("type", QUERY_CONVERSATION.TYPE)
              .put("properties", QUERY_CONVERSATION.PROPERTIES)
              .put("userProperties", QUERY_CONVERSATION.USER_PROPERTIES)
              .build(),
          QueryView.EVENTS,
          ImmutableMap.<String, Field<?>>builder()
              .put("id", QUERY_EVENT.ID)
              .put("organizationId", QUERY_EVENT.TENANT_ID)
              .put("messageId", QUERY_EVENT.MESSAGE_ID)
              .put("conversationId", QUERY_EVENT.CONVERSATION_ID)
              .put("createdAt", QUERY_EVENT.CREATED_AT)
              .put("projectId", QUERY_EVENT.PROJECT_ID)
              .put("integrationId", QUERY_EVENT.INTEGRATION_ID)
              .put("eventType", QUERY_EVENT.EVENT_TYPE)
              .put("type", QUERY_EVENT.TYPE)
              .put("searchQuery", QUERY_EVENT.SEARCH_QUERY)
              .put("properties", QUERY_EVENT.PROPERTIES)
              .put("userProperties", QUERY_EVENT.USER_PROPERTIES)
              .build(),
          QueryView.FEEDBACK,
          ImmutableMap.<String, Field<?>>builder()
              .put("id", QUERY_FEEDBACK.ID)
              .put("type", QUERY_FEEDBACK.TYPE)
              .put("messageId", QUERY_FEEDBACK.MESSAGE_ID)
              .put("createdAt", QUERY_FEEDBACK.CREATED_AT)
              .put("updatedAt", QUERY_FEEDBACK.UPDATED_AT)
              .put("organizationId", QUERY_FEEDBACK.TENANT_ID)
              .put("reasons", QUERY_FEEDBACK.REASONS)
              .put("sources", QUERY_FEEDBACK.SOURCES)
              .put("details", QUERY_FEEDBACK.DETAILS)
              .put("properties", QUERY_FEEDBACK.PROPERTIES)
              .put("userProperties", QUERY_FEEDBACK.USER_PROPERTIES)
              .put("conversationId", QUERY_FEEDBACK.CONVERSATION_ID)
              .put("projectId", QUERY_FEEDBACK.PROJECT_ID)
              .put("integrationId", QUERY_FEEDBACK.INTEGRATION_ID)
              .build(),
          QueryView.TICKETS,
          ImmutableMap.<String, Field<?>>builder()
              .put("id", QUERY_TICKET.ID)
              .put("organizationId", QUERY_TICKET.TENANT_ID)
              .put("ticketNumber", QUERY_TICKET.TICKET_NUMBER)
              .put("status", QUERY_TICKET.STATUS)
              .put("priority", QUERY_TICKET.PRIORITY)
              .put("channelSource", QUERY_TICKET.CHANNEL_SOURCE)
              .put("assignee", QUERY_TICKET.ASSIGNEE)
              .put("conversationId", QUERY_TICKET.CONVERSATION_ID)
              .put("distinctId", QUERY_TICKET.DISTINCT_ID)
              .put("messageCount", QUERY_TICKET.MESSAGE_COUNT)
              .put("createdAt", QUERY_TICKET.CREATED_AT)
              .put("updatedAt", QUERY_TICKET.UPDATED_AT)
              .build(),
          QueryView.SEMANTIC_THREADS,
          viewColumns(QueryView.SEMANTIC_THREADS, "semantic_thread"));

  private static Map<String, Field<?>> viewColumns(QueryView view, String table) {
    ImmutableMap.Builder<String, Field<?>> columns = ImmutableMap.builder();
    view.fields()
        .forEach(
            (name, kind) -> {
              String column =
                  name.replace("AI", "Ai").replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
              DataType<?> type =
                  switch (kind) {
                    case TEXT -> SQLDataType.VARCHAR;
                    case NUMBER -> SQLDataType.INTEGER;
                    case TIME -> SQLDataType.TIMESTAMPWITHTIMEZONE;
                    case JSON -> SQLDataType.JSONB;
                  };
              columns.put(name, DSL.field(DSL.name("analytics", table, column), type));
            });
    return columns.build();
  }

  private final QueryView view;

  QuerySql(QueryView view) {
    this.view = view;
  }

  static Table<?> table(QueryView view) {
    return switch (view) {
      case CONVERSATIONS -> QUERY_CONVERSATION;
      case EVENTS -> QUERY_EVENT;
      case FEEDBACK -> QUERY_FEEDBACK;
      case TICKETS -> QUERY_TICKET;
      case SEMANTIC_THREADS -> SEMANTIC_THREAD;
    };
  }

  /** The view's tenant column. */
  Field<String> tenant() {
    @SuppressWarnings("unchecked")
    Field<String> tenant = (Field<String>) COLUMNS.get(view).get("organizationId");
    return tenant;
  }

  Compiled compile(Query query) {
    if (query.getNotes().length() > MAX_NOTES) {
      throw ParleyException.invalidArgument("notes", "must be at most 80 characters");
    }
    List<SelectField<?>> select = new ArrayList<>();
    List<Output> outputs = new ArrayList<>();
    List<Field<?>> plain = new ArrayList<>();
    boolean aggregated = false;
    for (int i = 0; i < query.getSelectCount(); i++) {
      Selection selection = query.getSelect(i);
      String at = "select[" + i + "]";
      switch (selection.getType()) {
        case "aggregation" -> {
          aggregated = true;
          add(select, outputs, aggregation(at, selection));
        }
        case "time" -> plain.add(add(select, outputs, time(at, selection)));
        case "field" -> plain.add(add(select, outputs, field(at, selection)));
        default ->
            throw ParleyException.invalidArgument(
                at + ".type", "must be aggregation, time or field");
      }
    }
    List<Field<?>> groups = new ArrayList<>();
    for (int i = 0; i < query.getGroupByCount(); i++) {
      GroupBy group = query.getGroupBy(i);
      String at = "groupBy[" + i + "]";
      Column column = path(at, group.getField(), group.getPathList(), "json");
      String name = column.output().name();
      boolean include = !group.hasIncludeInSelect() || group.getIncludeInSelect();
      if (outputs.stream().anyMatch(output -> output.name().equals(name))) {
        groups.add(reference(name));
      } else if (include) {
        groups.add(add(select, outputs, column));
      } else {
        groups.add(column.expression());
      }
    }
    if (aggregated || !groups.isEmpty()) {
      groups.addAll(plain);
    }
    if (query.getSelectCount() == 0 && query.getGroupByCount() == 0) {
      for (String name : view.fields().keySet()) {
        add(select, outputs, path("select", name, List.of(), "json"));
      }
    }
    org.jooq.Condition where =
        query.hasWhere() ? condition("where", query.getWhere(), 0) : DSL.noCondition();
    boolean grouped = aggregated || !groups.isEmpty();
    return new Compiled(select, outputs, where, grouped, groups, order(query, outputs, grouped));
  }

  private List<SortField<?>> order(Query query, List<Output> outputs, boolean grouped) {
    List<SortField<?>> order = new ArrayList<>();
    for (int i = 0; i < query.getOrderByCount(); i++) {
      OrderBy key = query.getOrderBy(i);
      String at = "orderBy[" + i + "]";
      Field<?> field;
      if (outputs.stream().anyMatch(output -> output.name().equals(key.getField()))) {
        field = reference(key.getField());
      } else if (!grouped && view.fields().containsKey(key.getField())) {
        field = column(at + ".field", key.getField());
      } else {
        throw ParleyException.invalidArgument(
            at + ".field",
            "unknown column "
                + key.getField()
                + (grouped ? "; a grouped query orders by its columns: " : "; columns are: ")
                + String.join(", ", outputs.stream().map(Output::name).toList()));
      }
      order.add(
          switch (key.getDirection()) {
            case "asc" -> field.asc();
            case "desc" -> field.desc();
            default ->
                throw ParleyException.invalidArgument(at + ".direction", "must be asc or desc");
          });
    }
    if (order.isEmpty()) {
      if (grouped) {
        for (Output output : outputs) {
          if (!output.aggregate()) {
            order.add(reference(output.name()).asc());
          }
        }
      } else {
        order.add(column("orderBy", view.timeField()).desc());
        order.add(column("orderBy", "id").desc());
      }
    }
    return order;
  }

  /** A column with its SQL expression. */
  private record Column(Field<?> expression, Output output) {}

  /**
   * Adds a column to the result and answers a reference to it by name, which GROUP BY and ORDER BY
   * use: PostgreSQL matches a grouped expression only if its bind values are the same parameters,
   * which two copies of a JSON path are not.
   */
  private static Field<?> add(List<SelectField<?>> select, List<Output> outputs, Column column) {
    String name = column.output().name();
    if (outputs.stream().anyMatch(output -> output.name().equals(name))) {
      throw ParleyException.invalidArgument("select", "two columns are named " + name);
    }
    select.add(column.expression().as(DSL.quotedName(name)));
    outputs.add(column.output());
    return reference(name);
  }

  private static Field<?> reference(String name) {
    return DSL.field(DSL.quotedName(name));
  }

  private Column aggregation(String at, Selection selection) {
    String function = selection.getAggregation();
    if (function.equals("count") && selection.getField().isEmpty()) {
      return new Column(DSL.count(), new Output("count", Out.NUMBER, true));
    }
    if (selection.getField().isEmpty()) {
      throw ParleyException.invalidArgument(at + ".field", "is required for " + function);
    }
    Kind kind = kind(at + ".field", selection.getField());
    boolean pathed = !selection.getPathList().isEmpty();
    String name = function + "_" + name(selection.getField(), selection.getPathList());
    Field<?> value = path(at, selection.getField(), selection.getPathList(), "json").expression();
    return switch (function) {
      case "count" -> new Column(DSL.count(value), new Output(name, Out.NUMBER, true));
      case "countDistinct" ->
          new Column(DSL.countDistinct(value), new Output(name, Out.NUMBER, true));
      case "sum", "avg" -> {
        Field<BigDecimal> number = numeric(at, selection.getField(), kind, pathed, value);
        yield new Column(
            function.equals("sum") ? DSL.sum(number) : DSL.avg(number),
            new Output(name, Out.NUMBER, true));
      }
      case "min", "max" -> {
        if (kind == Kind.JSON && !pathed) {
          throw ParleyException.invalidArgument(
              at + ".path", "is required to take the " + function + " of a JSON field");
        }
        Field<?> comparable = kind == Kind.JSON ? jsonText(value) : value;
        yield new Column(
            function.equals("min") ? DSL.min(comparable) : DSL.max(comparable),
            new Output(name, kind == Kind.JSON ? Out.TEXT : out(kind), true));
      }
      default ->
          throw ParleyException.invalidArgument(
              at + ".aggregation", "must be sum, count, countDistinct, avg, min or max");
    };
  }

  private Field<BigDecimal> numeric(
      String at, String field, Kind kind, boolean pathed, Field<?> value) {
    if (kind == Kind.NUMBER) {
      return value.cast(SQLDataType.NUMERIC);
    }
    if (kind == Kind.JSON && pathed) {
      // Numbers only: any other JSON value at the path counts as absent.
      return DSL.field(
          "CASE WHEN jsonb_typeof({0}) = 'number' THEN ({0} #>> '{}')::numeric END",
          SQLDataType.NUMERIC, value);
    }
    throw ParleyException.invalidArgument(
        at + ".field", field + " is not a number (sum and avg take numbers or a JSON path)");
  }

  private Column time(String at, Selection selection) {
    String unit = selection.getTimeUnit();
    if (!Set.of("hour", "day", "week", "month").contains(unit)) {
      throw ParleyException.invalidArgument(at + ".timeUnit", "must be hour, day, week or month");
    }
    String field = selection.getField().isEmpty() ? view.timeField() : selection.getField();
    if (kind(at + ".field", field) != Kind.TIME) {
      throw ParleyException.invalidArgument(at + ".field", field + " is not a time");
    }
    Field<OffsetDateTime> bucket =
        DSL.field(
            "date_trunc({0}, {1}, 'UTC')",
            SQLDataType.TIMESTAMPWITHTIMEZONE, DSL.inline(unit), column(at + ".field", field));
    return new Column(bucket, new Output(field + "_" + unit, Out.TIME));
  }

  private Column field(String at, Selection selection) {
    if (selection.getField().isEmpty()) {
      throw ParleyException.invalidArgument(at + ".field", "is required");
    }
    String mode = selection.getMode().isEmpty() ? "unpack" : selection.getMode();
    if (!mode.equals("unpack") && !mode.equals("json")) {
      throw ParleyException.invalidArgument(at + ".mode", "must be unpack or json");
    }
    return path(at, selection.getField(), selection.getPathList(), mode);
  }

  /** A field, or the value at a path into a JSON field. */
  private Column path(String at, String field, List<String> path, String mode) {
    Kind kind = kind(at + ".field", field);
    Field<?> column = column(at + ".field", field);
    String name = name(field, path);
    if (path.isEmpty()) {
      Out out = kind == Kind.JSON ? (mode.equals("unpack") ? Out.UNPACK : Out.JSON) : out(kind);
      return new Column(column, new Output(name, out));
    }
    if (kind != Kind.JSON) {
      throw ParleyException.invalidArgument(at + ".path", field + " is not a JSON field");
    }
    return new Column(
        jsonPath(column, path), new Output(name, mode.equals("unpack") ? Out.UNPACK : Out.JSON));
  }

  private static String name(String field, List<String> path) {
    return path.isEmpty() ? field : field + "." + String.join(".", path);
  }

  private static Out out(Kind kind) {
    return switch (kind) {
      case TEXT -> Out.TEXT;
      case NUMBER -> Out.NUMBER;
      case TIME -> Out.TIME;
      case JSON -> Out.JSON;
    };
  }

  private Kind kind(String at, String field) {
    Kind kind = view.fields().get(field);
    if (kind == null) {
      throw ParleyException.invalidArgument(
          at,
          "unknown field "
              + field
              + " of "
              + view.viewName()
              + "; fields are "
              + String.join(", ", view.fields().keySet()));
    }
    return kind;
  }

  Field<?> column(String at, String field) {
    kind(at, field);
    return COLUMNS.get(view).get(field);
  }

  private static Field<JSONB> jsonPath(Field<?> column, List<String> path) {
    return DSL.field(
        "{0} #> {1}",
        SQLDataType.JSONB, column, DSL.val(path.toArray(String[]::new), SQLDataType.CLOB.array()));
  }

  private static Field<String> jsonText(Field<?> json) {
    return DSL.field("{0} #>> '{}'", SQLDataType.VARCHAR, json);
  }

  /** The filter as a condition; {@code at} names it in errors. */
  org.jooq.Condition condition(String at, Filter filter, int depth) {
    if (depth > MAX_FILTER_DEPTH) {
      throw ParleyException.invalidArgument(at, "nests more than 16 levels");
    }
    int parts =
        (filter.hasCondition() ? 1 : 0)
            + (filter.getAndCount() > 0 ? 1 : 0)
            + (filter.getOrCount() > 0 ? 1 : 0);
    if (parts > 1) {
      throw ParleyException.invalidArgument(at, "must hold one of condition, and, or");
    }
    if (filter.hasCondition()) {
      return compare(at + ".condition", filter.getCondition());
    }
    List<org.jooq.Condition> conditions = new ArrayList<>();
    for (int i = 0; i < filter.getAndCount(); i++) {
      conditions.add(condition(at + ".and[" + i + "]", filter.getAnd(i), depth + 1));
    }
    if (!conditions.isEmpty()) {
      return DSL.and(conditions);
    }
    for (int i = 0; i < filter.getOrCount(); i++) {
      conditions.add(condition(at + ".or[" + i + "]", filter.getOr(i), depth + 1));
    }
    return conditions.isEmpty() ? DSL.noCondition() : DSL.or(conditions);
  }

  private org.jooq.Condition compare(String at, Condition condition) {
    Kind kind = kind(at + ".field", condition.getField());
    String operator = condition.getOperator();
    if (!OPERATORS.contains(operator)) {
      throw ParleyException.invalidArgument(
          at + ".operator",
          "unknown operator " + operator + "; operators are " + String.join(", ", sorted()));
    }
    @SuppressWarnings("unchecked")
    Field<Object> column =
        (Field<Object>)
            (kind == Kind.NUMBER
                // Compared as numeric: 1.5 must not match an integer column's 1.
                ? column(at + ".field", condition.getField()).cast(SQLDataType.NUMERIC)
                : column(at + ".field", condition.getField()));
    Value value = condition.getValue();
    String valueAt = at + ".value";
    boolean valueless = operator.equals("isNull") || operator.equals("isNotNull");
    if (!valueless && (!condition.hasValue() || value.hasNullValue())) {
      throw ParleyException.invalidArgument(valueAt, "is required for " + operator);
    }
    if (kind == Kind.JSON) {
      return compareJson(at, operator, column, value);
    }
    if (operator.startsWith("json") || operator.equals("arrayContains")) {
      throw ParleyException.invalidArgument(
          at + ".operator",
          operator + " applies to JSON fields, and " + condition.getField() + " is not one");
    }
    return switch (operator) {
      case "isNull" -> column.isNull();
      case "isNotNull" -> column.isNotNull();
      case "eq" -> column.eq(scalar(valueAt, kind, value));
      case "neq" -> column.ne(scalar(valueAt, kind, value)).or(column.isNull());
      case "gt" -> column.gt(scalar(valueAt, kind, value));
      case "gte" -> column.ge(scalar(valueAt, kind, value));
      case "lt" -> column.lt(scalar(valueAt, kind, value));
      case "lte" -> column.le(scalar(valueAt, kind, value));
      case "in" -> column.in(list(valueAt, kind, value));
      case "notIn" -> column.notIn(list(valueAt, kind, value)).or(column.isNull());
      default -> throw new IllegalStateException(operator);
    };
  }

  private org.jooq.Condition compareJson(
      String at, String operator, Field<Object> column, Value value) {
    String valueAt = at + ".value";
    Field<?> target = column;
    boolean pathed = false;
    if (value.hasStructValue() && value.getStructValue().containsFields("path")) {
      Value path = value.getStructValue().getFieldsOrThrow("path");
      List<String> keys = new ArrayList<>();
      if (!path.hasListValue()) {
        throw ParleyException.invalidArgument(valueAt + ".path", "must be an array of keys");
      }
      for (Value key : path.getListValue().getValuesList()) {
        if (!key.hasStringValue()) {
          throw ParleyException.invalidArgument(valueAt + ".path", "must be an array of keys");
        }
        keys.add(key.getStringValue());
      }
      target = jsonPath(column, keys);
      pathed = true;
      value = value.getStructValue().getFieldsOrDefault("value", ProtoJson.nullValue());
      valueAt = valueAt + ".value";
    }
    return switch (operator) {
      case "isNull" -> target.isNull().or(DSL.condition("jsonb_typeof({0}) = 'null'", target));
      case "isNotNull" ->
          target.isNotNull().and(DSL.condition("jsonb_typeof({0}) <> 'null'", target));
      case "eq" -> DSL.condition("{0} = {1}", target, jsonb(value));
      case "neq" -> DSL.condition("{0} <> {1}", target, jsonb(value)).or(target.isNull());
      case "gt", "gte", "lt", "lte" -> orderedJson(valueAt, operator, target, value, pathed);
      case "in", "notIn" -> {
        if (!value.hasListValue()) {
          throw ParleyException.invalidArgument(valueAt, "must be an array");
        }
        List<Field<JSONB>> values =
            value.getListValue().getValuesList().stream().map(QuerySql::jsonb).toList();
        @SuppressWarnings("unchecked")
        Field<JSONB> json = (Field<JSONB>) target;
        yield operator.equals("in") ? json.in(values) : json.notIn(values).or(json.isNull());
      }
      case "jsonContains" -> DSL.condition("{0} @> {1}", target, jsonb(value));
      case "jsonContainedBy" -> DSL.condition("{0} <@ {1}", target, jsonb(value));
      case "arrayContains" ->
          DSL.condition(
              "{0} @> {1}",
              target,
              jsonb(
                  Value.newBuilder()
                      .setListValue(ListValue.newBuilder().addValues(value))
                      .build()));
      case "jsonArrayContainsObject" -> {
        if (!value.hasStructValue()) {
          throw ParleyException.invalidArgument(valueAt, "must be an object");
        }
        yield DSL.condition(
            "{0} @> {1}",
            target,
            jsonb(
                Value.newBuilder().setListValue(ListValue.newBuilder().addValues(value)).build()));
      }
      case "jsonHasKey" -> {
        if (!value.hasStringValue()) {
          throw ParleyException.invalidArgument(valueAt, "must be a key (a string)");
        }
        yield DSL.condition("jsonb_exists({0}, {1})", target, DSL.val(value.getStringValue()));
      }
      case "jsonHasAnyKey", "jsonHasAllKeys" -> {
        List<String> keys = new ArrayList<>();
        if (value.hasListValue()) {
          for (Value key : value.getListValue().getValuesList()) {
            if (key.hasStringValue()) {
              keys.add(key.getStringValue());
            }
          }
        }
        if (!value.hasListValue() || keys.size() != value.getListValue().getValuesCount()) {
          throw ParleyException.invalidArgument(valueAt, "must be an array of keys (strings)");
        }
        yield DSL.condition(
            operator.equals("jsonHasAnyKey")
                ? "jsonb_exists_any({0}, {1})"
                : "jsonb_exists_all({0}, {1})",
            target,
            DSL.val(keys.toArray(String[]::new), SQLDataType.CLOB.array()));
      }
      default -> throw new IllegalStateException(operator);
    };
  }

  /** gt/gte/lt/lte on JSON: numbers compare as numbers, strings as text, at a path. */
  private static org.jooq.Condition orderedJson(
      String at, String operator, Field<?> target, Value value, boolean pathed) {
    if (!pathed) {
      throw ParleyException.invalidArgument(
          at, "must be {\"path\": [keys], \"value\": v} to compare a JSON field with " + operator);
    }
    String sql =
        switch (operator) {
          case "gt" -> ">";
          case "gte" -> ">=";
          case "lt" -> "<";
          default -> "<=";
        };
    if (value.hasNumberValue()) {
      return DSL.condition(
          "(CASE WHEN jsonb_typeof({0}) = 'number' THEN ({0} #>> '{}')::numeric END) "
              + sql
              + " {1}",
          target,
          DSL.val(BigDecimal.valueOf(value.getNumberValue())));
    }
    if (value.hasStringValue()) {
      return DSL.condition(
          "(CASE WHEN jsonb_typeof({0}) = 'string' THEN {0} #>> '{}' END) " + sql + " {1}",
          target,
          DSL.val(value.getStringValue()));
    }
    throw ParleyException.invalidArgument(at, "must be a number or a string to compare");
  }

  private static Field<JSONB> jsonb(Value value) {
    return DSL.val(JSONB.valueOf(ProtoJson.toJson(value)));
  }

  private static Object scalar(String at, Kind kind, Value value) {
    return switch (kind) {
      case TEXT -> {
        if (!value.hasStringValue()) {
          throw ParleyException.invalidArgument(at, "must be a string");
        }
        yield value.getStringValue();
      }
      case NUMBER -> {
        if (!value.hasNumberValue()) {
          throw ParleyException.invalidArgument(at, "must be a number");
        }
        double number = value.getNumberValue();
        if (Double.isNaN(number) || Double.isInfinite(number)) {
          throw ParleyException.invalidArgument(at, "must be a finite number");
        }
        yield BigDecimal.valueOf(number);
      }
      case TIME -> {
        if (!value.hasStringValue()) {
          throw ParleyException.invalidArgument(at, "must be an ISO 8601 date or date-time");
        }
        yield time(at, value.getStringValue());
      }
      case JSON -> throw new IllegalStateException("JSON is compared by compareJson");
    };
  }

  private static List<Object> list(String at, Kind kind, Value value) {
    if (!value.hasListValue()) {
      throw ParleyException.invalidArgument(at, "must be an array");
    }
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < value.getListValue().getValuesCount(); i++) {
      values.add(scalar(at + "[" + i + "]", kind, value.getListValue().getValues(i)));
    }
    return values;
  }

  /** A date-time with a zone, or a date (its start, UTC). */
  static OffsetDateTime time(String at, String text) {
    try {
      if (text.length() == 10) {
        return LocalDate.parse(text).atStartOfDay().atOffset(ZoneOffset.UTC);
      }
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw ParleyException.invalidArgument(
          at, "must be an ISO 8601 date or date-time with a zone, e.g. 2026-08-01T00:00:00Z");
    }
  }

  private static List<String> sorted() {
    return OPERATORS.stream().sorted().toList();
  }

  /** Rows as the API shows them, from the fetched record values. */
  static Map<String, Object> row(List<Output> outputs, org.jooq.Record record) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      Output output = outputs.get(i);
      Object value = record.get(i);
      JooqQueryStore.put(row, output, value);
    }
    return row;
  }
}
