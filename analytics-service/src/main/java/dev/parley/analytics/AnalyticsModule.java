package dev.parley.analytics;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.parley.analytics.api.AnalyticsGrpcService;
import dev.parley.analytics.compat.alli.AlliAnalyticsGrpcService;
import dev.parley.analytics.compat.gitbook.GitBookIssuesGrpcService;
import dev.parley.analytics.compat.inkeep.InkeepQueryGrpcService;
import dev.parley.analytics.domain.ConversationDays;
import dev.parley.analytics.domain.IssueClusterRefresh;
import dev.parley.analytics.domain.IssueEmbedding;
import dev.parley.analytics.domain.Issues;
import dev.parley.analytics.domain.Queries;
import dev.parley.analytics.peer.EventStreams;
import dev.parley.analytics.store.StoreModule;
import dev.parley.event.v1.AnalyticsParkedEventsServiceGrpc;
import dev.parley.platform.embedding.SentenceEmbedder;
import dev.parley.platform.embedding.TextEmbedder;
import dev.parley.platform.events.EventParking;
import dev.parley.platform.events.ParkedEventsService;
import dev.parley.platform.runtime.Background;
import io.grpc.BindableService;
import java.time.Clock;

/** Wiring of analytics-service: the event consumer, the store, the APIs. */
public final class AnalyticsModule extends AbstractModule {
  @Override
  protected void configure() {
    install(new StoreModule());
    bind(Clock.class).toInstance(Clock.systemUTC());
    bind(ConversationDays.class).in(Scopes.SINGLETON);
    bind(Issues.class).in(Scopes.SINGLETON);
    bind(Queries.class).in(Scopes.SINGLETON);
    // Follows the event streams, embeds issues and clusters them while the service runs.
    bind(TextEmbedder.class).to(SentenceEmbedder.class).in(Scopes.SINGLETON);
    bind(EventStreams.class).in(Scopes.SINGLETON);
    bind(IssueEmbedding.class).in(Scopes.SINGLETON);
    bind(IssueClusterRefresh.class).in(Scopes.SINGLETON);
    Multibinder<Background> background = Multibinder.newSetBinder(binder(), Background.class);
    background.addBinding().to(EventStreams.class);
    background.addBinding().to(IssueEmbedding.class);
    background.addBinding().to(IssueClusterRefresh.class);
    Multibinder<BindableService> services =
        Multibinder.newSetBinder(binder(), BindableService.class);
    services.addBinding().to(AnalyticsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(AlliAnalyticsGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(GitBookIssuesGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(InkeepQueryGrpcService.class).in(Scopes.SINGLETON);
    services.addBinding().to(ParkedEventsService.class);
  }

  /** The internal API over the events the consumers parked. */
  @Provides
  @Singleton
  ParkedEventsService parkedEvents(EventParking parking) {
    return new ParkedEventsService(
        parking,
        AnalyticsParkedEventsServiceGrpc.getServiceDescriptor(),
        AnalyticsParkedEventsServiceGrpc.getListParkedEventsMethod(),
        AnalyticsParkedEventsServiceGrpc.getReplayParkedEventMethod());
  }
}
