package dev.parley.ticket;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import dev.parley.ticket.api.TicketGrpcService;
import dev.parley.ticket.compat.posthog.PostHogTicketsGrpcService;
import dev.parley.ticket.domain.Tickets;
import dev.parley.ticket.peer.EndUserDirectory;
import dev.parley.ticket.store.StoreModule;
import io.grpc.BindableService;
import java.time.Clock;

/** Wiring of ticket-service. */
public final class TicketModule extends AbstractModule {
  @Override
  protected void configure() {
    install(new StoreModule());
    bind(Clock.class).toInstance(Clock.systemUTC());
    bind(Tickets.class).in(Scopes.SINGLETON);
    bind(EndUserDirectory.class).in(Scopes.SINGLETON);
    Multibinder<BindableService> services =
        Multibinder.newSetBinder(binder(), BindableService.class);
    services.addBinding().to(TicketGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(PostHogTicketsGrpcService.class).in(Scopes.SINGLETON);
  }
}
