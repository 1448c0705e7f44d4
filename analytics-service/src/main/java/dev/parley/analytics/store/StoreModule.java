package dev.parley.analytics.store;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import dev.parley.analytics.domain.AnalyticsStore;
import dev.parley.analytics.domain.IssueStore;
import dev.parley.analytics.domain.QueryStore;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.events.EventParking;
import io.micrometer.core.instrument.MeterRegistry;

/** Binds the PostgreSQL implementations of analytics-service's stores. */
public final class StoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(AnalyticsStore.class).to(JooqAnalyticsStore.class).in(Scopes.SINGLETON);
    bind(IssueStore.class).to(JooqIssueStore.class).in(Scopes.SINGLETON);
    bind(QueryStore.class).to(JooqQueryStore.class).in(Scopes.SINGLETON);
  }

  /** Where the events analytics-service cannot apply are parked, in its own schema. */
  @Provides
  @Singleton
  EventParking parking(TenantDatabase database, AnalyticsStore store, MeterRegistry meters) {
    return new EventParking("analytics", database, store, meters);
  }
}
