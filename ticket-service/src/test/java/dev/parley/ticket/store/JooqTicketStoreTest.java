package dev.parley.ticket.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.testing.RowLevelSecurityAssertions;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.ticket.domain.Ticket;
import dev.parley.ticket.domain.TicketStore;
import dev.parley.ticket.domain.TicketStore.NewMessage;
import dev.parley.ticket.domain.TicketStore.TicketOrder;
import dev.parley.ticket.domain.TicketStore.TicketRef;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The ticket store on real PostgreSQL, connected as the application role. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JooqTicketStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final TicketOrder NEWEST_FIRST = new TicketOrder("created_at", true);

  private DatabaseConfig database;
  private HikariDataSource pool;
  private TicketStore store;

  @BeforeAll
  void migrate() {
    database = TestingDatabase.newDatabase();
    new SchemaMigrator(database).migrate("ticket");
    pool = Database.applicationPool(database, "ticket-store-test");
    var dsl = Database.dsl(pool);
    store = new JooqTicketStore(new TenantDatabase(dsl), dsl);
  }

  @AfterAll
  void close() {
    pool.close();
  }

  @Test
  void numbersTicketsPerTenantFromOne() {
    assertThat(open("numbers-a", "c-1").number()).isEqualTo(1);
    assertThat(open("numbers-a", "c-2").number()).isEqualTo(2);
    assertThat(open("numbers-b", "c-1").number()).isEqualTo(1);
  }

  @Test
  void aTenantNeverReadsChangesOrDeletesAnotherTenantsTicket() {
    Ticket acme = open("acme", "c-acme");
    Ticket globex = open("globex", "c-globex");
    TicketRef acmeTicket = TicketRef.of(acme.id());

    assertThat(store.find("globex", acmeTicket)).isEmpty();
    assertThat(store.find("globex", TicketRef.of(acme.number()))).contains(globex);
    assertThat(store.change("globex", acmeTicket, ticket -> ticket, (a, b) -> List.of())).isEmpty();
    assertThat(
            store.recordMessages(
                "globex",
                acmeTicket,
                List.of(new NewMessage("m-1", true, "Hello")),
                (ticket, counted) -> ticket))
        .isEmpty();
    assertThat(store.activity("globex", acme.id())).isEmpty();
    assertThat(store.ticketsOfConversations("globex", Set.of("c-acme"))).isEmpty();
    assertThat(store.delete("globex", acmeTicket)).isFalse();
    assertThat(
            store
                .list("globex", TicketStore.TicketFilter.ofStatuses(Set.of()), NEWEST_FIRST, 0, 10)
                .tickets())
        .extracting(Ticket::tenantId)
        .containsOnly("globex");

    // The owner's ticket is untouched.
    assertThat(store.find("acme", acmeTicket)).contains(acme);
    assertThat(store.ticketsOfConversations("acme", Set.of("c-acme")))
        .containsEntry("c-acme", acme.id());
  }

  @Test
  void recordingAMessageTwiceCountsItOnce() {
    Ticket ticket = open("messages", "c-messages");
    TicketRef ref = TicketRef.of(ticket.id());
    List<NewMessage> message = List.of(new NewMessage("m-1", true, "Where is my refund?"));
    Ticket counted =
        store
            .recordMessages(
                "messages",
                ref,
                message,
                (before, fresh) ->
                    before.withUnread(
                        before.unreadTeamCount() + fresh.size(), before.unreadCustomerCount()))
            .orElseThrow();
    Ticket again =
        store
            .recordMessages(
                "messages",
                ref,
                message,
                (before, fresh) ->
                    before.withUnread(
                        before.unreadTeamCount() + fresh.size(), before.unreadCustomerCount()))
            .orElseThrow();
    assertThat(counted.unreadTeamCount()).isEqualTo(1);
    assertThat(again.unreadTeamCount()).isEqualTo(1);
    assertThat(store.unreadCount("messages")).isEqualTo(1);
    assertThat(store.unreadCount("acme")).isZero();
  }

  @Test
  void everyTenantTableIsGuardedByRowLevelSecurity() throws Exception {
    RowLevelSecurityAssertions.assertEveryTenantTableIsGuarded(database, "ticket");
  }

  private Ticket open(String tenant, String conversationId) {
    return store.create(Ticket.open(tenant, "widget", "customer", null, conversationId, T0));
  }
}
