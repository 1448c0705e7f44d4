package dev.parley.analytics.store;

import static dev.parley.analytics.store.schema.Tables.APPLIED_EVENT;
import static dev.parley.analytics.store.schema.Tables.CONVERSATION_DAY;
import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.AnalyticsStore;
import dev.parley.event.v1.Event;
import dev.parley.event.v1.EventRecord;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.StreamCursors;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** analytics-service's tables in PostgreSQL. */
final class JooqAnalyticsStore implements AnalyticsStore {
  private static final StreamCursors CURSORS = new StreamCursors("analytics");

  private final TenantDatabase database;
  private final DSLContext dsl;
  private final MeterRegistry meters;

  @Inject
  JooqAnalyticsStore(TenantDatabase database, DSLContext dsl, MeterRegistry meters) {
    this.database = requireNonNull(database, "database is null");
    this.dsl = requireNonNull(dsl, "dsl is null");
    this.meters = requireNonNull(meters, "meters is null");
  }

  @Override
  public Optional<String> cursor(String stream) {
    return CURSORS.read(dsl, stream);
  }

  @Override
  public void apply(String stream, List<EventRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    String cursor = records.getLast().getCursor();
    database.inTransaction(
        tx -> {
          for (EventRecord record : records) {
            applyOnce(tx, record.getEvent(), now);
          }
          CURSORS.write(tx, stream, cursor);
          return null;
        });
  }

  @Override
  public void replay(String stream, EventRecord record) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    database.inTransaction(
        tx -> {
          applyOnce(tx, record.getEvent(), now);
          return null;
        });
  }

  /**
   * Applies the event unless it was applied before (its id is recorded in the same transaction). A
   * kind this release does not know is recorded and counted ({@code parley.events.skipped}).
   */
  private void applyOnce(DSLContext tx, Event event, OffsetDateTime now) {
    TenantDatabase.bindTenant(tx, event.getTenantId());
    boolean fresh =
        tx.insertInto(APPLIED_EVENT)
                .set(APPLIED_EVENT.TENANT_ID, event.getTenantId())
                .set(APPLIED_EVENT.EVENT_ID, UUID.fromString(event.getId()))
                .set(APPLIED_EVENT.APPLIED_AT, now)
                .onConflictDoNothing()
                .execute()
            > 0;
    if (fresh && !EventProjection.apply(tx, event, now)) {
      meters.counter("parley.events.skipped", "type", event.getType()).increment();
    }
  }

  @Override
  public Map<LocalDate, Integer> conversationsPerDay(
      String tenantId, LocalDate from, LocalDate to) {
    return database.inTenant(
        tenantId,
        tx -> {
          Map<LocalDate, Integer> counts = new HashMap<>();
          tx.select(CONVERSATION_DAY.DAY, DSL.count())
              .from(CONVERSATION_DAY)
              .where(
                  CONVERSATION_DAY.TENANT_ID.eq(tenantId), CONVERSATION_DAY.DAY.between(from, to))
              .groupBy(CONVERSATION_DAY.DAY)
              .fetch()
              .forEach(row -> counts.put(row.value1(), row.value2()));
          return counts;
        });
  }
}
