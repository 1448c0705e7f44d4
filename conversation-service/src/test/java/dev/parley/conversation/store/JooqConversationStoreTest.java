package dev.parley.conversation.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.ConversationStore.PageRequest;
import dev.parley.conversation.domain.Message;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.testing.RowLevelSecurityAssertions;
import dev.parley.platform.testing.TestingDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.ExecuteListener;
import org.jooq.impl.DefaultExecuteListenerProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The store on real PostgreSQL, connected as the application role. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JooqConversationStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private DatabaseConfig database;
  private HikariDataSource pool;
  private JooqConversationStore store;
  private final AtomicInteger statements = new AtomicInteger();

  @BeforeAll
  void migrate() {
    database = TestingDatabase.newDatabase();
    new SchemaMigrator(database).migrate("conversation");
    pool = Database.applicationPool(database, "store-test");
    var dsl = Database.dsl(pool);
    dsl.configuration()
        .set(
            new DefaultExecuteListenerProvider(
                ExecuteListener.onExecuteStart(context -> statements.incrementAndGet())));
    store = new JooqConversationStore(new TenantDatabase(dsl));
  }

  @AfterAll
  void close() {
    pool.close();
  }

  @Test
  void savesAndReadsBackEveryFieldAndTheMessageOrder() {
    Conversation saved = store.save(conversation("acme", "c-roundtrip", T0, 3));

    Conversation found = store.find("acme", "c-roundtrip", true).orElseThrow();

    assertThat(found).usingRecursiveComparison().isEqualTo(saved);
    assertThat(found.messages()).extracting(Message::id).containsExactly("m0", "m1", "m2");
    assertThat(found.messages()).extracting(Message::parentId).containsExactly(null, "m0", "m1");
    assertThat(store.findByExternalId("acme", "ext-c-roundtrip")).contains(found);
  }

  @Test
  void replacingTheMessageListKeepsSentIdsAndDropsTheRest() {
    store.save(conversation("acme", "c-replace", T0, 3));
    Conversation shorter = conversation("acme", "c-replace", T0, 2);

    store.save(shorter);

    assertThat(store.find("acme", "c-replace", true).orElseThrow().messages())
        .extracting(Message::id)
        .containsExactly("m0", "m1");
    assertThat(store.find("acme", "c-replace", false).orElseThrow().messageCount()).isEqualTo(2);
  }

  @Test
  void writesAllMessagesOfAConversationInOneStatement() {
    Conversation many = conversation("acme", "c-batch", T0, 200);
    statements.set(0);

    store.save(many);

    // set_config, locking read of the conversation, conversation upsert, one multi-row message
    // upsert; nothing stored yet, so no message read and nothing to delete.
    assertThat(statements.get()).isEqualTo(4);

    statements.set(0);
    store.save(conversation("acme", "c-batch", T0, 150));

    // The same plus the stored messages' read and one delete of the 50 dropped ones.
    assertThat(statements.get()).isEqualTo(6);
    assertThat(store.find("acme", "c-batch", false).orElseThrow().messageCount()).isEqualTo(150);
  }

  @Test
  void listsNewestFirstByOffsetAndByCursor() {
    for (int i = 0; i < 5; i++) {
      store.save(conversation("paging", "p" + i, T0.plusSeconds(i), 1));
    }

    List<Conversation> firstTwo = store.list("paging", new PageRequest(0, 2, null), false);
    List<Conversation> byOffset = store.list("paging", new PageRequest(2, 2, null), false);
    Conversation last = firstTwo.getLast();
    List<Conversation> byCursor =
        store.list("paging", new PageRequest(0, 2, new Cursor(last.createTime(), last.id())), true);

    assertThat(firstTwo).extracting(Conversation::id).containsExactly("p4", "p3");
    assertThat(byOffset).extracting(Conversation::id).containsExactly("p2", "p1");
    assertThat(byCursor).extracting(Conversation::id).containsExactly("p2", "p1");
    assertThat(byCursor.getFirst().messages()).hasSize(1);
    assertThat(store.count("paging", null)).isEqualTo(5);
  }

  @Test
  void anotherTenantCannotSeeChangeOrDeleteAConversation() {
    store.save(conversation("tenant-a", "shared-id", T0, 2));

    assertThat(store.find("tenant-b", "shared-id", true)).isEmpty();
    assertThat(store.findByExternalId("tenant-b", "ext-shared-id")).isEmpty();
    assertThat(store.list("tenant-b", new PageRequest(0, 100, null), true)).isEmpty();
    assertThat(store.count("tenant-b", null)).isZero();
    assertThat(store.delete("tenant-b", "shared-id")).isFalse();

    // Tenant B may use the same id: it is a different conversation.
    store.save(conversation("tenant-b", "shared-id", T0, 1));
    assertThat(store.find("tenant-a", "shared-id", true).orElseThrow().messages()).hasSize(2);
    assertThat(store.delete("tenant-a", "shared-id")).isTrue();
    assertThat(store.find("tenant-b", "shared-id", true)).isPresent();
  }

  @Test
  void rowLevelSecurityHidesOtherTenantsEvenFromAQueryWithoutATenantPredicate() throws Exception {
    store.save(conversation("rls-a", "rls-1", T0, 1));
    try (Connection connection = pool.getConnection();
        Statement statement = connection.createStatement()) {
      connection.setAutoCommit(false);
      statement.execute("SELECT set_config('app.tenant_id', 'rls-b', true)");
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT count(*) FROM conversation.conversation WHERE id = 'rls-1'")) {
        rows.next();
        assertThat(rows.getInt(1)).isZero();
      }
      assertThatThrownBy(
              () ->
                  statement.execute(
                      "INSERT INTO conversation.conversation (tenant_id, id, kind, source, create_time, update_time)"
                          + " VALUES ('rls-a', 'forged', 'CHAT', 'x', now(), now())"))
          .hasMessageContaining("row-level security");
      connection.rollback();
      statement.execute("SELECT 1");
      assertThatThrownBy(
              () ->
                  statement.execute(
                      "ALTER TABLE conversation.conversation DISABLE ROW LEVEL SECURITY"))
          .hasMessageContaining("must be owner");
      connection.rollback();
      assertThatThrownBy(
              () ->
                  statement.execute(
                      "SET row_security = off; SELECT * FROM conversation.conversation"))
          .hasMessageContaining("row-level security");
      connection.rollback();
    }
  }

  @Test
  void everyTenantTableIsGuarded() throws Exception {
    RowLevelSecurityAssertions.assertEveryTenantTableIsGuarded(
        database, "conversation", "identity");
  }

  private static Conversation conversation(String tenant, String id, Instant time, int messages) {
    List<Message> list = new ArrayList<>();
    for (int i = 0; i < messages; i++) {
      list.add(
          new Message(
              "m" + i,
              i == 0 ? null : "m" + (i - 1),
              i % 2 == 0 ? "user" : "assistant",
              "\"text " + i + "\"",
              null,
              null,
              null,
              i == 1 ? "[{\"url\": \"https://docs.example.com/a\"}]" : null,
              null,
              "{\"n\": " + i + "}",
              null,
              time.plusMillis(i),
              time.plusMillis(i)));
    }
    return new Conversation(
        tenant,
        id,
        "ext-" + id,
        null,
        ConversationKind.CHAT,
        "Title " + id,
        "native",
        null,
        null,
        null,
        "project",
        null,
        "{\"plan\": \"pro\"}",
        null,
        List.of("billing"),
        time,
        time,
        messages,
        list);
  }
}
