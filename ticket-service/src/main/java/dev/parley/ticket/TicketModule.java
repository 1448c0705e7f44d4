package dev.parley.ticket;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.event.v1.TicketParkedEventsServiceGrpc;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.EventParking;
import dev.parley.platform.events.OutboxStream;
import dev.parley.platform.events.ParkedEventsService;
import dev.parley.platform.runtime.Background;
import dev.parley.ticket.api.TicketEventsGrpcService;
import dev.parley.ticket.api.TicketGrpcService;
import dev.parley.ticket.compat.posthog.PostHogTicketsGrpcService;
import dev.parley.ticket.domain.ConversationMessages;
import dev.parley.ticket.domain.Tickets;
import dev.parley.ticket.domain.UsageLimits;
import dev.parley.ticket.peer.AssistantPeer;
import dev.parley.ticket.peer.ConversationEventFollower;
import dev.parley.ticket.peer.EndUserDirectory;
import dev.parley.ticket.store.StoreModule;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Named;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Wiring of ticket-service. */
public final class TicketModule extends AbstractModule {
  /** The outbox of ticket.event_outbox (see its migration). */
  @Provides
  @Singleton
  OutboxStream outbox(HikariDataSource dataSource, DatabaseConfig database) {
    return new OutboxStream(dataSource, database, "ticket");
  }

  /** Where the conversation events ticket-service cannot apply are parked, in its schema. */
  @Provides
  @Singleton
  EventParking parking(
      TenantDatabase database, ConversationMessages messages, MeterRegistry meters) {
    return new EventParking("ticket", database, messages, meters);
  }

  /** The internal API over the events the consumer parked. */
  @Provides
  @Singleton
  ParkedEventsService parkedEvents(EventParking parking) {
    return new ParkedEventsService(
        parking,
        TicketParkedEventsServiceGrpc.getServiceDescriptor(),
        TicketParkedEventsServiceGrpc.getListParkedEventsMethod(),
        TicketParkedEventsServiceGrpc.getReplayParkedEventMethod());
  }

  /** The per-key limits of suggested replies (PostHog's AI throttles: burst and sustained). */
  @Provides
  @Singleton
  @Named("suggestions")
  List<UsageLimits.Limit> suggestionLimits(Environment environment) {
    return List.of(
        new UsageLimits.Limit(
            "suggest_minute",
            Duration.ofMinutes(1),
            environment.getInt(Setting.SUGGEST_REPLY_PER_MINUTE, 1, 1_000_000)),
        new UsageLimits.Limit(
            "suggest_day",
            Duration.ofDays(1),
            environment.getInt(Setting.SUGGEST_REPLY_PER_DAY, 1, 100_000_000)));
  }

  @Override
  protected void configure() {
    install(new StoreModule());
    bind(Clock.class).toInstance(Clock.systemUTC());
    bind(Tickets.class).in(Scopes.SINGLETON);
    bind(EndUserDirectory.class).in(Scopes.SINGLETON);
    bind(AssistantPeer.class).in(Scopes.SINGLETON);
    bind(ConversationMessages.class).in(Scopes.SINGLETON);
    // Records escalated conversations' new messages from conversation-service's event stream.
    bind(ConversationEventFollower.class).in(Scopes.SINGLETON);
    Multibinder<BindableService> services =
        Multibinder.newSetBinder(binder(), BindableService.class);
    services.addBinding().to(TicketGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(TicketEventsGrpcService.class).in(Scopes.SINGLETON);
    // Started in this order once the server listens, stopped in reverse before calls drain.
    Multibinder<Background> background = Multibinder.newSetBinder(binder(), Background.class);
    background.addBinding().to(OutboxStream.class);
    background.addBinding().to(ConversationEventFollower.class);
    services.addBinding().to(PostHogTicketsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(ParkedEventsService.class);
  }
}
