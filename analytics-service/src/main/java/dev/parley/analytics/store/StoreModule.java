package dev.parley.analytics.store;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.parley.analytics.domain.AnalyticsStore;
import dev.parley.analytics.domain.IssueStore;
import dev.parley.analytics.domain.QueryStore;

/** Binds the PostgreSQL implementations of analytics-service's stores. */
public final class StoreModule extends AbstractModule {
  @Override
  protected void configure() {
    bind(AnalyticsStore.class).to(JooqAnalyticsStore.class).in(Scopes.SINGLETON);
    bind(IssueStore.class).to(JooqIssueStore.class).in(Scopes.SINGLETON);
    bind(QueryStore.class).to(JooqQueryStore.class).in(Scopes.SINGLETON);
  }
}
