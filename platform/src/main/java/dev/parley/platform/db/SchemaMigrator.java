package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * Brings a schema to its latest version as the owner role: makes sure the application role exists
 * with the configured password and cannot bypass row-level security, then runs the schema's Flyway
 * scripts from {@code classpath:db/migration/<schema>}.
 */
public final class SchemaMigrator {
  /** The schema of tenants and API keys, which every service migrates before its own. */
  public static final String IDENTITY_SCHEMA = "identity";

  private final DatabaseConfig config;

  public SchemaMigrator(DatabaseConfig config) {
    this.config = requireNonNull(config, "config is null");
  }

  /**
   * Migrates the identity schema, then the given service schema: the service's own scripts, then
   * the platform's ({@code classpath:db/platform}: tables that platform code keeps in every
   * service's schema, such as parked events), which have a history table of their own.
   */
  public void migrate(String schema) {
    migrateIdentity();
    flyway(schema).migrate();
    Flyway.configure()
        .dataSource(config.jdbcUrl(), config.ownerUser(), config.ownerPassword())
        .schemas(schema)
        .table("platform_schema_history")
        .locations("classpath:db/platform")
        .placeholders(Map.of("app_role", config.appUser()))
        // The service's tables are already there: start the platform's history before its V1.
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }

  /** Migrates the identity schema only (what the key commands need). */
  public void migrateIdentity() {
    ensureApplicationRole();
    flyway(IDENTITY_SCHEMA).migrate();
  }

  private Flyway flyway(String schema) {
    return Flyway.configure()
        .dataSource(config.jdbcUrl(), config.ownerUser(), config.ownerPassword())
        .schemas(schema)
        .createSchemas(true)
        .locations("classpath:db/migration/" + schema)
        .placeholders(Map.of("app_role", config.appUser()))
        // Scripts that moved to platform (the outbox, V1-V2 of db/platform) stay applied in
        // databases migrated before they moved; their absence here is expected.
        .ignoreMigrationPatterns("*:missing")
        .failOnMissingLocations(true)
        .load();
  }

  private void ensureApplicationRole() {
    try (Connection connection =
        DriverManager.getConnection(config.jdbcUrl(), config.ownerUser(), config.ownerPassword())) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        // Services of one deployment may start together: serialize the role set-up.
        statement.execute("SELECT pg_advisory_xact_lock(hashtext('parley.app_role'))");
      }
      boolean exists;
      try (PreparedStatement query =
          connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
        query.setString(1, config.appUser());
        try (ResultSet result = query.executeQuery()) {
          exists = result.next();
        }
      }
      String role = quote(connection, "quote_ident", config.appUser());
      String password = quote(connection, "quote_literal", config.appPassword());
      try (Statement statement = connection.createStatement()) {
        // DDL cannot take bind values; both parts were quoted by PostgreSQL itself above.
        statement.execute(
            (exists ? "ALTER ROLE " : "CREATE ROLE ")
                + role
                + " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD "
                + password);
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot set up the application role " + config.appUser() + ": " + e.getMessage(), e);
    }
  }

  private static String quote(Connection connection, String function, String value)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(?)")) {
      statement.setString(1, value);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getString(1);
      }
    }
  }
}
