package dev.parley.platform.runtime;

import static java.util.Objects.requireNonNull;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Stage;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.grpc.GrpcServer;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.grpc.ServerConfig;

/**
 * A running service. Start-up is explicit and ordered: migrate the schemas, build the injector,
 * start gRPC, report SERVING. Close reverses it: NOT_SERVING, drain calls, close the pool.
 */
public final class ParleyService implements AutoCloseable {
  private final ServiceDefinition definition;
  private final GrpcServer server;
  private final HikariDataSource dataSource;
  private final Injector injector;

  private ParleyService(ServiceDefinition definition, Injector injector) {
    this.definition = definition;
    this.injector = injector;
    this.server = injector.getInstance(GrpcServer.class);
    this.dataSource = injector.getInstance(HikariDataSource.class);
  }

  public static ParleyService start(
      ServiceDefinition definition, DatabaseConfig databaseConfig, ServerConfig serverConfig) {
    requireNonNull(definition, "definition is null");
    new SchemaMigrator(databaseConfig).migrate(definition.schema());
    Injector injector =
        Guice.createInjector(
            Stage.PRODUCTION,
            binder -> {
              binder.requireExplicitBindings();
              binder.disableCircularProxies();
              binder.requireExactBindingAnnotations();
            },
            new PlatformModule(definition.name(), databaseConfig, serverConfig),
            definition.module());
    ParleyService service = new ParleyService(definition, injector);
    try {
      service.server.start();
    } catch (RuntimeException e) {
      service.dataSource.close();
      throw e;
    }
    return service;
  }

  /** The {@code main} of a service deployed on its own: configuration from the environment. */
  public static void run(ServiceDefinition definition) throws InterruptedException {
    Environment environment = Environment.system();
    ParleyService service =
        start(
            definition,
            DatabaseConfig.fromEnvironment(environment),
            ServerConfig.fromEnvironment(environment, definition.portSetting()));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, definition.name() + "-stop"));
    service.server.awaitTermination();
  }

  public String name() {
    return definition.name();
  }

  public int port() {
    return server.port();
  }

  /** For tests and the launcher: an object wired in this service. */
  public <T> T instance(Class<T> type) {
    return injector.getInstance(type);
  }

  @Override
  public void close() {
    // Open streams first: they never end on their own, and the server waits for calls in flight.
    for (AutoCloseable resource :
        injector.getInstance(
            com.google.inject.Key.get(
                new com.google.inject.TypeLiteral<java.util.Set<AutoCloseable>>() {}))) {
      try {
        resource.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(ParleyService.class)
            .atWarn()
            .setCause(e)
            .log("A resource did not close cleanly");
      }
    }
    server.close();
    injector.getInstance(PeerChannels.class).close();
    dataSource.close();
  }
}
