package dev.parley.analytics;

import dev.parley.platform.config.Setting;
import dev.parley.platform.runtime.ParleyService;
import dev.parley.platform.runtime.ServiceDefinition;
import dev.parley.type.v1.Backend;

/** analytics-service on its own: configuration from {@code PARLEY_*} variables. */
public final class AnalyticsServer {
  public static final ServiceDefinition DEFINITION =
      new ServiceDefinition(
          "analytics-service",
          "analytics",
          Setting.ANALYTICS_PORT,
          Backend.BACKEND_ANALYTICS,
          new AnalyticsModule());

  private AnalyticsServer() {}

  public static void main(String[] args) throws InterruptedException {
    ParleyService.run(DEFINITION);
  }
}
