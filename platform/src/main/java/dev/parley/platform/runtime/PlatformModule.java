package dev.parley.platform.runtime;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.config.Environment;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.TenantDatabase;
import dev.parley.platform.grpc.GrpcServer;
import dev.parley.platform.grpc.PeerChannels;
import dev.parley.platform.grpc.ServerConfig;
import dev.parley.platform.identity.ApiKeyAuthenticator;
import dev.parley.platform.ops.Tracing;
import io.grpc.BindableService;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import org.jooq.DSLContext;

/** Binds what every service shares: configuration, the database, identity, the gRPC server. */
final class PlatformModule extends AbstractModule {
  private final String serviceName;
  private final Environment environment;
  private final DatabaseConfig databaseConfig;
  private final ServerConfig serverConfig;
  private final MeterRegistry meters;
  private final Tracing tracing;

  PlatformModule(
      String serviceName,
      Environment environment,
      DatabaseConfig databaseConfig,
      ServerConfig serverConfig,
      MeterRegistry meters,
      Tracing tracing) {
    this.serviceName = requireNonNull(serviceName, "serviceName is null");
    this.environment = requireNonNull(environment, "environment is null");
    this.databaseConfig = requireNonNull(databaseConfig, "databaseConfig is null");
    this.serverConfig = requireNonNull(serverConfig, "serverConfig is null");
    this.meters = requireNonNull(meters, "meters is null");
    this.tracing = requireNonNull(tracing, "tracing is null");
  }

  @Override
  protected void configure() {
    bind(Environment.class).toInstance(environment);
    bind(DatabaseConfig.class).toInstance(databaseConfig);
    bind(ServerConfig.class).toInstance(serverConfig);
    bind(PeerChannels.class).in(Scopes.SINGLETON);
    // The process's meters (gRPC calls, the pool, parked events, ...), served at /metrics.
    bind(MeterRegistry.class).toInstance(meters);
    bind(Tracing.class).toInstance(tracing);
    // The service's background work (event streams, consumers), possibly none.
    Multibinder.newSetBinder(binder(), Background.class);
  }

  @Provides
  @Singleton
  HikariDataSource dataSource(DatabaseConfig config, MeterRegistry meters) {
    HikariDataSource pool = Database.applicationPool(config, serviceName);
    // hikaricp_connections_* tagged with the pool's name, the service's.
    pool.setMetricRegistry(meters);
    return pool;
  }

  @Provides
  @Singleton
  DSLContext dsl(HikariDataSource dataSource) {
    return Database.dsl(dataSource);
  }

  @Provides
  @Singleton
  TenantDatabase tenantDatabase(DSLContext dsl) {
    return new TenantDatabase(dsl);
  }

  @Provides
  @Singleton
  ApiKeyAuthenticator authenticator(DSLContext dsl, ServerConfig config) {
    return new ApiKeyAuthenticator(dsl, config.keyCacheTime());
  }

  @Provides
  @Singleton
  GrpcServer grpcServer(
      ServerConfig config,
      Set<BindableService> services,
      ApiKeyAuthenticator authenticator,
      MeterRegistry meters,
      Tracing tracing) {
    return new GrpcServer(
        serviceName, config, ImmutableList.copyOf(services), authenticator, meters, tracing);
  }
}
