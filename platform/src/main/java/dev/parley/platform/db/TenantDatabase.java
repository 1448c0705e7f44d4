package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Runs work in a transaction bound to one tenant: {@code app.tenant_id} is set for the transaction
 * only, so row-level security admits that tenant's rows and no others. Repositories still name the
 * tenant in every query; the policy is the second lock on the door.
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
    return dsl.transactionResult(
        configuration -> {
          DSLContext transaction = configuration.dsl();
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
    return dsl.transactionResult(configuration -> work.run(configuration.dsl()));
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
