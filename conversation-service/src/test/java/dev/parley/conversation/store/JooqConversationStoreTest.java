package dev.parley.conversation.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.conversation.domain.Conversation;
import dev.parley.conversation.domain.ConversationFilter;
import dev.parley.conversation.domain.ConversationKind;
import dev.parley.conversation.domain.ConversationStore;
import dev.parley.conversation.domain.ConversationStore.Cursor;
import dev.parley.conversation.domain.ConversationStore.Query;
import dev.parley.conversation.domain.Handling;
import dev.parley.conversation.domain.HandlingChange;
import dev.parley.conversation.domain.HandlingChange.Edit;
import dev.parley.conversation.domain.Message;
import dev.parley.conversation.domain.SortOrder;
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
import java.util.Set;
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
    // upsert, the event; nothing stored yet, so no message read and nothing to delete.
    assertThat(statements.get()).isEqualTo(5);

    statements.set(0);
    store.save(conversation("acme", "c-batch", T0, 150));

    // The same plus the stored messages' read and one delete of the 50 dropped ones.
    assertThat(statements.get()).isEqualTo(7);
    assertThat(store.find("acme", "c-batch", false).orElseThrow().messageCount()).isEqualTo(150);
  }

  @Test
  void listsNewestFirstByOffsetAndByCursor() {
    for (int i = 0; i < 5; i++) {
      store.save(conversation("paging", "p" + i, T0.plusSeconds(i), 1));
    }

    List<Conversation> firstTwo = store.list("paging", Query.offset(0, 2), false);
    List<Conversation> byOffset = store.list("paging", Query.offset(2, 2), false);
    Conversation last = firstTwo.getLast();
    List<Conversation> byCursor =
        store.list(
            "paging",
            new Query(
                ConversationFilter.ALL,
                SortOrder.CREATED_DESC,
                0,
                2,
                new Cursor(last.createTime(), last.id())),
            true);

    assertThat(firstTwo).extracting(Conversation::id).containsExactly("p4", "p3");
    assertThat(byOffset).extracting(Conversation::id).containsExactly("p2", "p1");
    assertThat(byCursor).extracting(Conversation::id).containsExactly("p2", "p1");
    assertThat(byCursor.getFirst().messages()).hasSize(1);
    assertThat(store.count("paging", ConversationFilter.ALL)).isEqualTo(5);
  }

  @Test
  void anotherTenantCannotSeeChangeOrDeleteAConversation() {
    store.save(conversation("tenant-a", "shared-id", T0, 2));

    assertThat(store.find("tenant-b", "shared-id", true)).isEmpty();
    assertThat(store.findByExternalId("tenant-b", "ext-shared-id")).isEmpty();
    assertThat(store.list("tenant-b", Query.offset(0, 100), true)).isEmpty();
    assertThat(store.count("tenant-b", ConversationFilter.ALL)).isZero();
    assertThat(store.delete("tenant-b", ConversationFilter.ofIds(List.of("shared-id")))).isEmpty();

    // Tenant B may use the same id: it is a different conversation.
    store.save(conversation("tenant-b", "shared-id", T0, 1));
    assertThat(store.find("tenant-a", "shared-id", true).orElseThrow().messages()).hasSize(2);
    assertThat(store.delete("tenant-a", ConversationFilter.ofIds(List.of("shared-id"))))
        .containsExactly("shared-id");
    assertThat(store.find("tenant-b", "shared-id", true)).isPresent();
  }

  @Test
  void filtersUpdatesAndSoftDeletesByHandling() {
    store.save(conversation("handling", "h1", T0, 1));
    store.save(conversation("handling", "h2", T0.plusSeconds(1), 3));
    store.save(conversation("handling", "h3", T0.plusSeconds(2), 0));

    int changed =
        store.update(
            "handling",
            ConversationFilter.ofIds(List.of("h1", "h2")),
            "Renamed",
            HandlingChange.builder()
                .state(Edit.to("END_BY_AGENT"))
                .assignee(Edit.to("agent@example.com"))
                .categories(List.of("cat-1"))
                .endUserId(Edit.to("u-1"))
                .build(),
            T0.plusSeconds(10));

    assertThat(changed).isEqualTo(2);
    Conversation h1 = store.find("handling", "h1", false).orElseThrow();
    assertThat(h1.title()).isEqualTo("Renamed");
    assertThat(h1.handling())
        .isEqualTo(
            new Handling("END_BY_AGENT", "agent@example.com", List.of("cat-1"), "u-1", null));
    assertThat(h1.updateTime()).isEqualTo(T0.plusSeconds(10));
    ConversationFilter byCategory =
        ConversationFilter.builder()
            .endUserIds(Set.of("u-1"))
            .anyCategories(Set.of("cat-1", "other"))
            .build();
    assertThat(
            store.list(
                "handling", new Query(byCategory, SortOrder.ACTIVITY_ASC, 0, 10, null), false))
        .extracting(Conversation::id)
        .containsExactly("h1", "h2");
    ConversationFilter open = ConversationFilter.builder().openOnly(true).build();
    assertThat(store.list("handling", new Query(open, null, 0, 10, null), false))
        .extracting(Conversation::id)
        .containsExactly("h3");
    // The activity of a conversation without messages is its create time.
    ConversationFilter activeLate =
        ConversationFilter.builder().activeFrom(T0.plusSeconds(1)).build();
    assertThat(store.count("handling", activeLate)).isEqualTo(2);
    assertThat(store.find("handling", "h3", false).orElseThrow().lastMessageTime()).isNull();

    assertThat(store.softDelete("handling", "h2", T0.plusSeconds(20))).isTrue();
    assertThat(store.softDelete("handling", "h2", T0.plusSeconds(21))).isFalse();
    assertThat(store.find("handling", "h2", true)).isEmpty();
    assertThat(store.count("handling", ConversationFilter.ALL)).isEqualTo(2);
    // Writing a soft-deleted id starts a new conversation.
    store.save(conversation("handling", "h2", T0, 1));
    assertThat(store.find("handling", "h2", true).orElseThrow().messages()).hasSize(1);
  }

  @Test
  void searchRanksTitlesAboveMessagesAndHighlightsBoth() {
    Conversation titled = conversation("search", "s1", T0, 0);
    store.save(
        new Conversation(
            "search",
            "s1",
            null,
            null,
            ConversationKind.CHAT,
            "Refund policy question",
            "native",
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            T0,
            T0,
            null,
            0,
            List.of()));
    store.save(
        withBody(
            conversation("search", "s2", T0, 1), "\"How do I ask for a refund of my order?\""));
    store.save(withBody(conversation("search", "s3", T0, 1), "\"Nothing to see here\""));
    store.save(withBody(conversation("other-tenant", "s4", T0, 1), "\"refund refund\""));

    List<ConversationStore.SearchHit> hits = store.search("search", "refund", 20);

    assertThat(hits).extracting(hit -> hit.conversation().id()).containsExactly("s1", "s2");
    assertThat(hits.get(0).titleHighlight()).isEqualTo("<em>Refund</em> policy question");
    assertThat(hits.get(1).titleHighlight()).isNull();
    assertThat(hits.get(1).bodyHighlights())
        .containsExactly("How do I ask for a <em>refund</em> of my order?");
    assertThat(store.search("search", "\"my order\" -refund", 20)).isEmpty();
    assertThat(titled.id()).isEqualTo("s1");
  }

  private static Conversation withBody(Conversation conversation, String contentJson) {
    Message first = conversation.messages().getFirst();
    Message changed =
        new Message(
            first.id(),
            null,
            "user",
            contentJson,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            first.createTime(),
            first.updateTime());
    return new Conversation(
        conversation.tenantId(),
        conversation.id(),
        null,
        null,
        conversation.kind(),
        "Untitled",
        conversation.source(),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        conversation.createTime(),
        conversation.updateTime(),
        conversation.lastMessageTime(),
        1,
        List.of(changed));
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
        null,
        time,
        time,
        messages == 0 ? null : time.plusMillis(messages - 1),
        messages,
        list);
  }
}
