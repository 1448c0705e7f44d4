package dev.parley.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.analytics.domain.QueryStore.Rows;
import dev.parley.analytics.domain.QueryView;
import dev.parley.analytics.v1.Query;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.testing.TestingDatabase;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The bounds of a query: its row limit with the full total, and its statement timeout. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JooqQueryStoreTest {
  private static final int EVENTS = 1_005;

  private DatabaseConfig database;
  private HikariDataSource pool;
  private JooqQueryStore store;

  @BeforeAll
  void fill() throws Exception {
    database = TestingDatabase.newDatabase();
    new SchemaMigrator(database).migrate("analytics");
    try (HikariDataSource owner = Database.ownerPool(database, "query-test-owner");
        Connection connection = owner.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          """
          INSERT INTO analytics.query_event (tenant_id, id, type, event_type, search_query,
                                             properties, created_at)
          SELECT 'bounds', 'e-' || n, 'search_performed', 'search', 'query ' || (n %% 7),
                 jsonb_build_object('n', n), timestamptz '2026-08-01' + n * interval '1 minute'
            FROM generate_series(1, %d) AS n
          """
              .formatted(EVENTS));
    }
    pool = Database.applicationPool(database, "query-test");
    store = new JooqQueryStore(new TenantDatabase(Database.dsl(pool)));
  }

  @AfterAll
  void close() {
    pool.close();
  }

  private static Query query(String json) throws Exception {
    Query.Builder query = Query.newBuilder();
    JsonFormat.parser().merge(json, query);
    return query.build();
  }

  @Test
  void anAnswerHoldsAtMostTheRowLimitAndTellsTheTotal() throws Exception {
    Rows rows =
        store.run(
            "bounds",
            QueryView.EVENTS,
            query("{\"select\": [{\"type\": \"field\", \"field\": \"id\"}]}"),
            1000);

    assertThat(rows.rows()).hasSize(1000);
    assertThat(rows.total()).isEqualTo(EVENTS);
    // Newest first by default.
    assertThat(rows.rows().getFirst()).containsEntry("id", "e-" + EVENTS);
  }

  @Test
  void groupedRowsAreCountedAsGroups() throws Exception {
    Rows rows =
        store.run(
            "bounds",
            QueryView.EVENTS,
            query(
                """
                {"select": [{"type": "aggregation", "aggregation": "count"},
                            {"type": "field", "field": "searchQuery"}],
                 "orderBy": [{"field": "searchQuery", "direction": "asc"}]}
                """),
            3);

    assertThat(rows.total()).isEqualTo(7);
    assertThat(rows.rows()).hasSize(3);
    assertThat(rows.rows().getFirst()).containsEntry("searchQuery", "query 0");
    assertThat(((Number) rows.rows().getFirst().get("count")).intValue()).isEqualTo(EVENTS / 7);
  }

  @Test
  void aQueryPastItsTimeoutIsRefusedAsTooBroad() throws Exception {
    JooqQueryStore impatient = new JooqQueryStore(new TenantDatabase(Database.dsl(pool)), 1);
    // A self-similar filter over every row: far longer than a millisecond.
    StringBuilder or = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      or.append(i == 0 ? "" : ",")
          .append(
              "{\"condition\": {\"field\": \"properties\", \"operator\": \"gt\","
                  + " \"value\": {\"path\": [\"n\"], \"value\": "
                  + (100_000 + i)
                  + "}}}");
    }
    Query query =
        query(
            """
            {"select": [{"type": "aggregation", "aggregation": "countDistinct", "field": "properties"}],
             "groupBy": [{"field": "properties", "path": ["n"]}],
             "where": {"or": [%s]}}
            """
                .formatted(or));

    assertThatThrownBy(() -> impatient.run("bounds", QueryView.EVENTS, query, 1000))
        .isInstanceOf(ParleyException.class)
        .hasMessageContaining("ran longer than");
  }

  @Test
  void anotherTenantCountsNothing() throws Exception {
    assertThat(
            store
                .run(
                    "bounds-other",
                    QueryView.EVENTS,
                    query(
                        "{\"select\": [{\"type\": \"aggregation\", \"aggregation\": \"count\"}]}"),
                    1000)
                .rows())
        .singleElement()
        .satisfies(row -> assertThat(((Number) row.get("count")).intValue()).isZero());
  }
}
