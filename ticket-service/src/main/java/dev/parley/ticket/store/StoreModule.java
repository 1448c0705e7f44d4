package dev.parley.ticket.store;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.parley.ticket.domain.TicketStore;

/** Binds the PostgreSQL implementation of the ticket store. */
public final class StoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(TicketStore.class).to(JooqTicketStore.class).in(Scopes.SINGLETON);
  }
}
