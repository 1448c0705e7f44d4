package dev.parley.ticket.store;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.parley.ticket.domain.TicketStore;
import dev.parley.ticket.domain.UsageLimits;

/** Binds the PostgreSQL implementations of the ticket store and the usage limits. */
public final class StoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(TicketStore.class).to(JooqTicketStore.class).in(Scopes.SINGLETON);
    bind(UsageLimits.class).to(JooqUsageLimits.class).in(Scopes.SINGLETON);
  }
}
