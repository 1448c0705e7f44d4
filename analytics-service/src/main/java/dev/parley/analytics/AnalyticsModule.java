package dev.parley.analytics;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.grpc.BindableService;

/**
 * Wiring of analytics-service. Its business API arrives with its issue; it already serves health.
 */
public final class AnalyticsModule extends AbstractModule {
  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), BindableService.class);
  }
}
