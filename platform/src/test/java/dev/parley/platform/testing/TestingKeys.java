package dev.parley.platform.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.identity.ApiKeyAdministration;
import dev.parley.platform.identity.Scopes;

/** API keys for tests, created the way the CLI creates them. */
public final class TestingKeys {
  private TestingKeys() {}

  /** Creates a key and returns what the CLI prints last: its secret. */
  public static String create(DatabaseConfig database, String tenantId, String scopes) {
    return administration(
        database, admin -> admin.create(tenantId, Scopes.parse(scopes), "test").secret());
  }

  public static ApiKeyAdministration.CreatedKey createKey(
      DatabaseConfig database, String tenantId, String scopes) {
    return administration(database, admin -> admin.create(tenantId, Scopes.parse(scopes), "test"));
  }

  public static void revoke(DatabaseConfig database, String keyId) {
    administration(
        database,
        admin -> {
          admin.revoke(keyId);
          return null;
        });
  }

  private static <T> T administration(
      DatabaseConfig database, java.util.function.Function<ApiKeyAdministration, T> action) {
    try (HikariDataSource owner = Database.ownerPool(database, "test-keys")) {
      return action.apply(new ApiKeyAdministration(Database.dsl(owner)));
    }
  }
}
