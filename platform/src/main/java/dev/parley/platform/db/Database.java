package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/** Connection pools and jOOQ contexts for a service. */
public final class Database {
  private Database() {}

  /** A pool of connections as the application role, which row-level security applies to. */
  public static HikariDataSource applicationPool(DatabaseConfig config, String name) {
    return pool(config, config.appUser(), config.appPassword(), name, config.poolSize());
  }

  /** A small pool as the owner role, for operator tasks (keys) and tests. */
  public static HikariDataSource ownerPool(DatabaseConfig config, String name) {
    return ownerPool(config, name, 2);
  }

  /** A pool of the owner role with this many connections (tools that measure, not services). */
  public static HikariDataSource ownerPool(DatabaseConfig config, String name, int size) {
    return pool(config, config.ownerUser(), config.ownerPassword(), name, size);
  }

  public static DSLContext dsl(DataSource dataSource) {
    requireNonNull(dataSource, "dataSource is null");
    return DSL.using(
        dataSource,
        SQLDialect.POSTGRES,
        new Settings()
            .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
            .withExecuteLogging(false));
  }

  private static HikariDataSource pool(
      DatabaseConfig config, String user, String password, String name, int size) {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(user);
    hikari.setPassword(password);
    hikari.setPoolName(name);
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(Math.min(2, size));
    // While the database is away a call fails within seconds (UNAVAILABLE), not after 30 s.
    hikari.setConnectionTimeout(5000);
    // Bounded statements: a runaway query fails instead of holding a connection forever.
    hikari.addDataSourceProperty("options", "-c statement_timeout=30000");
    hikari.addDataSourceProperty("ApplicationName", name);
    return new HikariDataSource(hikari);
  }
}
