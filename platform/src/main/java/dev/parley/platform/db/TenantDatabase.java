package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import org.jooq.ConnectionProvider;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.DefaultConnectionProvider;

/**
 * Runs work in a transaction bound to one tenant: {@code app.tenant_id} is set for the transaction
 * only, so row-level security admits that tenant's rows and no others. Repositories still name the
 * tenant in every query; the policy is the second lock on the door.
 *
 * <p>Transactions are begun and ended here on the pool's connection rather than by jOOQ's
 * transaction provider: jOOQ reads the connection's isolation level when a transaction begins, and
 * PostgreSQL's driver answers that with a {@code SHOW TRANSACTION ISOLATION LEVEL} round trip, one
 * more statement in every transaction of every service. Parley never changes the isolation level
 * (PostgreSQL's read committed), so there is nothing to read or restore.
 */
public final class TenantDatabase {
  private final DSLContext dsl;

  public TenantDatabase(DSLContext dsl) {
    this.dsl = requireNonNull(dsl, "dsl is null");
  }

  /** Work run inside a tenant transaction. */
  @FunctionalInterface
  public interface TenantWork<T> {
    T run(DSLContext transaction);
  }

  public <T> T inTenant(String tenantId, TenantWork<T> work) {
    requireNonNull(tenantId, "tenantId is null");
    return inTransaction(
        transaction -> {
          bindTenant(transaction, tenantId);
          return work.run(transaction);
        });
  }

  /**
   * Runs work in one transaction bound to no tenant until the work binds one with {@link
   * #bindTenant}, and may bind another before touching that tenant's rows: for a consumer that
   * applies several tenants' events in one commit.
   */
  public <T> T inTransaction(TenantWork<T> work) {
    ConnectionProvider provider = dsl.configuration().connectionProvider();
    Connection connection = provider.acquire();
    try {
      connection.setAutoCommit(false);
      T result;
      try {
        result =
            work.run(
                DSL.using(dsl.configuration().derive(new DefaultConnectionProvider(connection))));
        connection.commit();
      } catch (RuntimeException | Error e) {
        rollback(connection, e);
        throw e;
      } catch (SQLException e) {
        rollback(connection, e);
        throw new DataAccessException("The transaction did not commit: " + e.getMessage(), e);
      }
      return result;
    } catch (SQLException e) {
      throw new DataAccessException("Could not begin a transaction: " + e.getMessage(), e);
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException e) {
        // A broken connection: the pool finds out and replaces it.
      }
      provider.release(connection);
    }
  }

  private static void rollback(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /** Binds the rest of the transaction to the tenant. */
  public static void bindTenant(DSLContext transaction, String tenantId) {
    requireNonNull(tenantId, "tenantId is null");
    transaction
        .select(
            DSL.function(
                "set_config",
                String.class,
                DSL.val("app.tenant_id"),
                DSL.val(tenantId),
                DSL.inline(true)))
        .fetch();
  }
}
