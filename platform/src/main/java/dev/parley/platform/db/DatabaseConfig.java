package dev.parley.platform.db;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.config.ConfigurationException;
import dev.parley.platform.config.Environment;
import dev.parley.platform.config.Setting;

/**
 * Where PostgreSQL is and which roles Parley uses there: the owner runs migrations, the application
 * role runs every query and is subject to row-level security.
 */
public record DatabaseConfig(
    String jdbcUrl,
    String ownerUser,
    String ownerPassword,
    String appUser,
    String appPassword,
    int poolSize) {
  public DatabaseConfig {
    requireNonNull(jdbcUrl, "jdbcUrl is null");
    requireNonNull(ownerUser, "ownerUser is null");
    requireNonNull(ownerPassword, "ownerPassword is null");
    requireNonNull(appUser, "appUser is null");
    requireNonNull(appPassword, "appPassword is null");
    if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
      throw new ConfigurationException(
          "PARLEY_DATABASE_URL must be a jdbc:postgresql: URL, was " + jdbcUrl);
    }
    if (!appUser.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new ConfigurationException(
          "PARLEY_DATABASE_APP_USER must be a lower-case SQL identifier, was " + appUser);
    }
    if (appUser.equals(ownerUser)) {
      throw new ConfigurationException(
          "PARLEY_DATABASE_APP_USER must differ from PARLEY_DATABASE_USER: the application"
              + " role must not own the tables it is restricted on");
    }
    if (poolSize < 1) {
      throw new ConfigurationException("pool size must be positive");
    }
  }

  /** From {@code PARLEY_DATABASE_*}; the URL and the application password are required. */
  public static DatabaseConfig fromEnvironment(Environment environment) {
    return new DatabaseConfig(
        environment.get(Setting.DATABASE_URL),
        environment.get(Setting.DATABASE_USER),
        environment.get(Setting.DATABASE_PASSWORD),
        environment.get(Setting.DATABASE_APP_USER),
        environment.get(Setting.DATABASE_APP_PASSWORD),
        environment.getInt(Setting.DATABASE_POOL_SIZE, 1, 1000));
  }

  @Override
  public String toString() {
    // Never print passwords.
    return "DatabaseConfig[jdbcUrl=%s, ownerUser=%s, appUser=%s, poolSize=%d]"
        .formatted(jdbcUrl, ownerUser, appUser, poolSize);
  }
}
