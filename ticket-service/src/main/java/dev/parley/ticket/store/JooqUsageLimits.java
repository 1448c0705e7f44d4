package dev.parley.ticket.store;

import static dev.parley.ticket.store.schema.Tables.AI_USAGE;
import static java.util.Objects.requireNonNull;

import dev.parley.platform.db.TenantDatabase;
import dev.parley.ticket.domain.UsageLimits;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Usage windows in PostgreSQL: one upsert per limit in one transaction, rolled back when a limit is
 * reached, so a refused call is not counted.
 */
final class JooqUsageLimits implements UsageLimits {
  private final TenantDatabase database;

  @Inject
  JooqUsageLimits(TenantDatabase database) {
    this.database = requireNonNull(database, "database is null");
  }

  @Override
  public Optional<Duration> acquire(
      String tenantId, String keyId, List<Limit> limits, Instant now) {
    try {
      database.inTenant(
          tenantId,
          dsl -> {
            for (Limit limit : limits) {
              long length = limit.window().toMillis();
              Instant start = Instant.ofEpochMilli(now.toEpochMilli() / length * length);
              int count =
                  dsl.insertInto(AI_USAGE)
                      .set(AI_USAGE.TENANT_ID, tenantId)
                      .set(AI_USAGE.KEY_ID, keyId)
                      .set(AI_USAGE.WINDOW_KIND, limit.kind())
                      .set(AI_USAGE.WINDOW_START, start.atOffset(ZoneOffset.UTC))
                      .set(AI_USAGE.COUNT, 1)
                      .onConflict(AI_USAGE.TENANT_ID, AI_USAGE.KEY_ID, AI_USAGE.WINDOW_KIND)
                      .doUpdate()
                      .set(
                          AI_USAGE.COUNT,
                          org.jooq
                              .impl
                              .DSL
                              .when(
                                  AI_USAGE.WINDOW_START.eq(start.atOffset(ZoneOffset.UTC)),
                                  AI_USAGE.COUNT.plus(1))
                              .otherwise(1))
                      .set(AI_USAGE.WINDOW_START, start.atOffset(ZoneOffset.UTC))
                      .returning(AI_USAGE.COUNT)
                      .fetchOne(AI_USAGE.COUNT);
              if (count > limit.calls()) {
                throw new Reached(Duration.between(now, start.plus(limit.window())));
              }
            }
            return null;
          });
      return Optional.empty();
    } catch (Reached reached) {
      return Optional.of(reached.retryAfter);
    }
  }

  /** Rolls the transaction back: the call is not counted. */
  private static final class Reached extends RuntimeException {
    private final Duration retryAfter;

    Reached(Duration retryAfter) {
      super(null, null, false, false);
      this.retryAfter = retryAfter;
    }
  }
}
