package dev.parley.analytics.store;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.parley.analytics.domain.AnalyticsStore;

/** Binds the PostgreSQL implementation of analytics-service's store. */
public final class StoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(AnalyticsStore.class).to(JooqAnalyticsStore.class).in(Scopes.SINGLETON);
  }
}
