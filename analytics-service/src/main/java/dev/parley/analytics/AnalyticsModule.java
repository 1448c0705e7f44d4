package dev.parley.analytics;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import dev.parley.analytics.api.AnalyticsGrpcService;
import dev.parley.analytics.compat.alli.AlliAnalyticsGrpcService;
import dev.parley.analytics.domain.ConversationDays;
import dev.parley.analytics.peer.ConversationEventConsumer;
import dev.parley.analytics.store.StoreModule;
import io.grpc.BindableService;

/** Wiring of analytics-service: the event consumer, the store, the APIs. */
public final class AnalyticsModule extends AbstractModule {
  @Override
  protected void configure() {
    install(new StoreModule());
    bind(ConversationDays.class).in(Scopes.SINGLETON);
    // Starts following conversation-service's events when the service starts.
    bind(ConversationEventConsumer.class).asEagerSingleton();
    Multibinder.newSetBinder(binder(), AutoCloseable.class)
        .addBinding()
        .to(ConversationEventConsumer.class);
    Multibinder<BindableService> services =
        Multibinder.newSetBinder(binder(), BindableService.class);
    services.addBinding().to(AnalyticsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(AlliAnalyticsGrpcService.class).in(Scopes.SINGLETON);
  }
}
