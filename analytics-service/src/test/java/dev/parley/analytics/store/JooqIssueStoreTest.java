package dev.parley.analytics.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.analytics.domain.IssueStore.PendingIssue;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.testing.TestingDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issues waiting for their embeddings: tenants take turns, a stale embedding is never stored, and
 * the semantic threads built on issues show each tenant its own only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JooqIssueStoreTest {
  private DatabaseConfig database;
  private HikariDataSource pool;
  private DSLContext dsl;
  private JooqIssueStore store;

  @BeforeAll
  void fill() throws Exception {
    database = TestingDatabase.newDatabase();
    new SchemaMigrator(database).migrate("analytics");
    try (HikariDataSource owner = Database.ownerPool(database, "issue-test-owner");
        Connection connection = owner.getConnection();
        Statement statement = connection.createStatement()) {
      // A burst of 40 issues from one tenant, then one issue from another.
      statement.execute(
          """
          INSERT INTO analytics.issue (tenant_id, id, conversation_id, title, summary, user_text,
                                       created_at, ingested_at)
          SELECT 'burst', 'iss_b' || n, 'c-b' || n, 'Question ' || n, 'Question ' || n,
                 'Question ' || n, timestamptz '2026-08-01' + n * interval '1 second',
                 timestamptz '2026-08-01' + n * interval '1 second'
            FROM generate_series(1, 40) AS n;
          INSERT INTO analytics.issue (tenant_id, id, conversation_id, title, summary, user_text,
                                       created_at, ingested_at)
          VALUES ('quiet', 'iss_q1', 'c-q1', 'Alone', 'Alone', 'Alone',
                  timestamptz '2026-08-02', timestamptz '2026-08-02')
          """);
    }
    pool = Database.applicationPool(database, "issue-test");
    dsl = Database.dsl(pool);
    store = new JooqIssueStore(new TenantDatabase(dsl), dsl);
  }

  @AfterAll
  void close() {
    pool.close();
  }

  @Test
  void tenantsTakeTurnsSoABurstDoesNotHoldBackAnother() {
    List<PendingIssue> batch = store.issuesToEmbed(32);

    assertThat(batch).hasSize(32);
    assertThat(batch.subList(0, 2))
        .containsExactly(
            new PendingIssue("burst", "iss_b1", "Question 1"),
            new PendingIssue("quiet", "iss_q1", "Alone"));
  }

  @Test
  void anEmbeddingOfAnOldSummaryIsNotStored() {
    PendingIssue stale = new PendingIssue("burst", "iss_b40", "Question 40, as it was once said");
    PendingIssue current = new PendingIssue("burst", "iss_b39", "Question 39");

    store.saveEmbeddings(List.of(stale, current), List.of(new float[] {1, 0}, new float[] {0, 1}));

    List<String> embedded =
        new TenantDatabase(dsl)
            .inTenant(
                "burst",
                tx ->
                    tx.select(DSL.field("id", String.class))
                        .from(DSL.table("analytics.issue"))
                        .where(DSL.field("embedding").isNotNull())
                        .fetch(DSL.field("id", String.class)));
    assertThat(embedded).containsExactly("iss_b39");
    assertThat(store.issuesToCluster("burst", 100))
        .singleElement()
        .satisfies(issue -> assertThat(issue.embedding()).containsExactly(0f, 1f));
  }

  @Test
  void semanticThreadsShowEachTenantItsOwnIssuesOnly() {
    TenantDatabase tenants = new TenantDatabase(dsl);
    // No tenant condition here: the view itself must apply the caller's row security.
    int quiet =
        tenants.inTenant("quiet", tx -> tx.fetchCount(DSL.table("analytics.semantic_thread")));
    int burst =
        tenants.inTenant("burst", tx -> tx.fetchCount(DSL.table("analytics.semantic_thread")));

    assertThat(quiet).isEqualTo(1);
    assertThat(burst).isEqualTo(40);
  }
}
