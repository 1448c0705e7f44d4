package dev.parley.analytics.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.google.api.HttpBody;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.parley.analytics.domain.QueryStore;
import dev.parley.analytics.v1.QueryResult;
import dev.parley.platform.proto.ProtoJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Query rows as JSON results and as CSV, for every front door of the query language. */
public final class QueryRows {
  private static final CsvMapper CSV = new CsvMapper();

  private QueryRows() {}

  public static QueryResult result(QueryStore.Rows rows, int pageSize) {
    QueryResult.Builder result =
        QueryResult.newBuilder()
            .setTotal(rows.total())
            .setPageSize(pageSize)
            .setCount(rows.rows().size());
    for (Map<String, Object> row : rows.rows()) {
      Struct.Builder struct = Struct.newBuilder();
      row.forEach((name, value) -> struct.putFields(name, value(value)));
      result.addResult(struct);
    }
    return result.build();
  }

  static Value value(Object value) {
    return switch (value) {
      case null -> ProtoJson.nullValue();
      case String text -> Value.newBuilder().setStringValue(text).build();
      case Number number -> Value.newBuilder().setNumberValue(number.doubleValue()).build();
      case Boolean bool -> Value.newBuilder().setBoolValue(bool).build();
      case QueryStore.Json json -> ProtoJson.toValue(json.text());
      default -> throw new IllegalArgumentException("Not a query value: " + value.getClass());
    };
  }

  /**
   * RFC 4180 CSV with a header row: the columns of every row in the order first seen (an unpacked
   * JSON object adds a column per key), the query's columns when it has no rows; JSON values as
   * JSON text, null as an empty cell.
   */
  public static HttpBody csv(QueryStore.Rows rows) {
    Set<String> columns = new LinkedHashSet<>();
    rows.rows().forEach(row -> columns.addAll(row.keySet()));
    if (rows.rows().isEmpty()) {
      columns.addAll(rows.columns());
    }
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    columns.forEach(schema::addColumn);
    List<List<String>> cells = new ArrayList<>();
    for (Map<String, Object> row : rows.rows()) {
      List<String> line = new ArrayList<>();
      for (String column : columns) {
        Object value = row.get(column);
        line.add(
            switch (value) {
              case null -> "";
              case QueryStore.Json json -> json.text();
              case BigDecimal decimal -> decimal.toPlainString();
              default -> value.toString();
            });
      }
      cells.add(line);
    }
    try {
      String text = columns.isEmpty() ? "" : CSV.writer(schema.build()).writeValueAsString(cells);
      return HttpBody.newBuilder()
          .setContentType("text/csv; charset=utf-8")
          .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8))
          .build();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Writing CSV failed", e);
    }
  }
}
