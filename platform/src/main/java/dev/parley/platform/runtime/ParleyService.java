package dev.parley.platform.runtime;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Stage;
import com.google.inject.TypeLiteral;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.grpc.GrpcServer;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.ops.Management;
import dev.parley.platform.ops.Readiness;
import dev.parley.platform.ops.Tracing;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service, run in explicit phases. Starting: {@link #create} migrates the schemas and builds the
 * injector (no threads, no I/O beyond the migration); {@link #listen} starts the gRPC server
 * (health NOT_SERVING); {@link #run} starts the background work (event streams and consumers, in
 * binding order) and reports SERVING. Stopping ({@link #close}) reverses it: NOT_SERVING, stop the
 * background work (in reverse order; open streams end), drain calls in flight, close the channels
 * to peers, close the pool. Between {@code listen} and {@code run} the launcher tells each service
 * where its peers listen.
 */
public final class ParleyService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParleyService.class);

  private final ServiceDefinition definition;
  private final Injector injector;
  private final GrpcServer server;
  private final HikariDataSource dataSource;
  private final List<Background> background;
  private final Management management;
  private final boolean ownsManagement;
  private boolean running;

  private ParleyService(
      ServiceDefinition definition,
      Injector injector,
      Management management,
      boolean ownsManagement) {
    this.definition = definition;
    this.injector = injector;
    this.management = management;
    this.ownsManagement = ownsManagement;
    this.server = injector.getInstance(GrpcServer.class);
    this.dataSource = injector.getInstance(HikariDataSource.class);
    this.background =
        ImmutableList.copyOf(injector.getInstance(Key.get(new TypeLiteral<Set<Background>>() {})));
  }

  /**
   * Phase one: the schemas migrated, the service wired; nothing runs yet. The environment is bound
   * for the service's own settings. The service records its meters into the process's {@code
   * management} and reports its phases to its readiness (migrating while the schemas migrate).
   */
  public static ParleyService create(
      ServiceDefinition definition,
      Environment environment,
      DatabaseConfig databaseConfig,
      ServerConfig serverConfig,
      Management management) {
    return create(definition, environment, databaseConfig, serverConfig, management, false);
  }

  /** Phase one, for a service whose meters and readiness nobody reads (tests). */
  public static ParleyService create(
      ServiceDefinition definition,
      Environment environment,
      DatabaseConfig databaseConfig,
      ServerConfig serverConfig) {
    return create(definition, environment, databaseConfig, serverConfig, new Management(), true);
  }

  private static ParleyService create(
      ServiceDefinition definition,
      Environment environment,
      DatabaseConfig databaseConfig,
      ServerConfig serverConfig,
      Management management,
      boolean ownsManagement) {
    requireNonNull(definition, "definition is null");
    requireNonNull(environment, "environment is null");
    requireNonNull(management, "management is null");
    Readiness readiness = management.readiness();
    readiness.set(definition.name(), Readiness.State.MIGRATING);
    try {
      new SchemaMigrator(databaseConfig).migrate(definition.schema());
      Injector injector =
          Guice.createInjector(
              Stage.PRODUCTION,
              binder -> {
                binder.requireExplicitBindings();
                binder.disableCircularProxies();
                binder.requireExactBindingAnnotations();
              },
              new PlatformModule(
                  definition.name(),
                  environment,
                  databaseConfig,
                  serverConfig,
                  management.registry(),
                  management.tracing()),
              definition.module());
      readiness.set(definition.name(), Readiness.State.STARTING);
      return new ParleyService(definition, injector, management, ownsManagement);
    } catch (RuntimeException e) {
      readiness.forget(definition.name());
      throw e;
    }
  }

  /** Phase two: the gRPC server listens (its port is known), reporting NOT_SERVING. */
  public ParleyService listen() {
    try {
      server.start();
    } catch (RuntimeException e) {
      management.readiness().forget(definition.name());
      dataSource.close();
      throw e;
    }
    management.readiness().watchDatabase(definition.name(), dataSource);
    return this;
  }

  /** Phase three: the background work starts, then the service reports SERVING. */
  public ParleyService run() {
    for (Background work : background) {
      work.start();
    }
    running = true;
    server.serving();
    management.readiness().set(definition.name(), Readiness.State.SERVING);
    return this;
  }

  /** All phases, for a service on its own: its peers come from its configuration. */
  public static ParleyService start(
      ServiceDefinition definition,
      Environment environment,
      DatabaseConfig databaseConfig,
      ServerConfig serverConfig) {
    return create(definition, environment, databaseConfig, serverConfig).listen().run();
  }

  /** All phases with every service setting at its default. */
  public static ParleyService start(
      ServiceDefinition definition, DatabaseConfig databaseConfig, ServerConfig serverConfig) {
    return start(definition, Environment.of(Map.of()), databaseConfig, serverConfig);
  }

  /**
   * The {@code main} of a service deployed on its own: configuration from the environment; the
   * management port serves from the start, so liveness holds and readiness says "migrating" while
   * the schemas migrate.
   */
  public static void run(ServiceDefinition definition) throws InterruptedException {
    Environment environment = Environment.system();
    Management management =
        new Management(Tracing.fromEnvironment(environment, definition.name()))
            .serve(
                environment.get(Setting.BIND_HOST),
                environment.getInt(Setting.MANAGEMENT_PORT, 0, 65535));
    ParleyService service =
        create(
                definition,
                environment,
                DatabaseConfig.fromEnvironment(environment),
                ServerConfig.fromEnvironment(environment, definition.portSetting()),
                management,
                true)
            .listen()
            .run();
    Runtime.getRuntime().addShutdownHook(new Thread(service::close, definition.name() + "-stop"));
    service.server.awaitTermination();
  }

  public String name() {
    return definition.name();
  }

  public int port() {
    return server.port();
  }

  /** Where a channel in the same JVM reaches this service without the network. */
  public String inProcessTarget() {
    return server.inProcessTarget();
  }

  /** For tests and the launcher: an object wired in this service. */
  public <T> T instance(Class<T> type) {
    return injector.getInstance(type);
  }

  @Override
  public synchronized void close() {
    management.readiness().set(definition.name(), Readiness.State.DRAINING);
    server.notServing();
    if (running) {
      for (Background work : background.reversed()) {
        try {
          work.stop();
        } catch (RuntimeException e) {
          LOG.atWarn().setCause(e).log("Background work did not stop cleanly");
        }
      }
      running = false;
    }
    server.close();
    injector.getInstance(PeerChannels.class).close();
    // Stays DRAINING: a stopped service is not ready.
    management.readiness().unwatchDatabase(definition.name());
    dataSource.close();
    if (ownsManagement) {
      management.close();
    }
  }
}
