package dev.parley.platform.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.db.DatabaseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the catalog: every table with a {@code tenant_id} column has row-level security enabled
 * and forced, and at least one policy; and the application role can neither bypass it nor own it.
 */
public final class RowLevelSecurityAssertions {
  private RowLevelSecurityAssertions() {}

  public static void assertEveryTenantTableIsGuarded(DatabaseConfig database, String... schemas)
      throws SQLException {
    try (Connection connection =
        DriverManager.getConnection(
            database.jdbcUrl(), database.ownerUser(), database.ownerPassword())) {
      List<String> tenantTables = new ArrayList<>();
      try (PreparedStatement statement =
          connection.prepareStatement(
              """
              SELECT c.oid::regclass::text, c.relrowsecurity, c.relforcerowsecurity,
                     (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid),
                     pg_get_userbyid(c.relowner)
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p')
                AND n.nspname = ANY (?)
                AND EXISTS (SELECT 1 FROM pg_attribute a
                            WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
              """)) {
        statement.setArray(1, connection.createArrayOf("text", schemas));
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            String table = result.getString(1);
            tenantTables.add(table);
            assertThat(result.getBoolean(2)).as("RLS enabled on %s", table).isTrue();
            assertThat(result.getBoolean(3)).as("RLS forced on %s", table).isTrue();
            assertThat(result.getInt(4)).as("policies on %s", table).isPositive();
            assertThat(result.getString(5))
                .as("owner of %s", table)
                .isNotEqualTo(database.appUser());
          }
        }
      }
      assertThat(tenantTables).as("tenant tables in %s", List.of(schemas)).isNotEmpty();
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ?")) {
        statement.setString(1, database.appUser());
        try (ResultSet result = statement.executeQuery()) {
          assertThat(result.next()).as("application role exists").isTrue();
          assertThat(result.getBoolean(1)).as("application role is superuser").isFalse();
          assertThat(result.getBoolean(2)).as("application role bypasses RLS").isFalse();
        }
      }
    }
  }
}
