package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.db.Database;
import dev.parley.platform.db.DatabaseConfig;
import dev.parley.platform.db.SchemaMigrator;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.identity.ApiKeyAdministration.CreatedKey;
import dev.parley.platform.identity.ApiKeyAuthenticator;
import dev.parley.platform.identity.Principal;
import dev.parley.platform.identity.Scopes;
import dev.parley.platform.testing.RowLevelSecurityAssertions;
import dev.parley.platform.testing.TestingDatabase;
import dev.parley.platform.testing.TestingKeys;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityTest {
  private DatabaseConfig database;
  private HikariDataSource appPool;

  @BeforeAll
  void migrate() {
    database = TestingDatabase.newDatabase();
    new SchemaMigrator(database).migrateIdentity();
    appPool = Database.applicationPool(database, "identity-test");
  }

  @AfterAll
  void close() {
    appPool.close();
  }

  @Test
  void aCreatedKeyAuthenticatesAsItsTenantWithItsScopes() {
    CreatedKey key = TestingKeys.createKey(database, "acme", "conversation:read,ticket:write");
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(Database.dsl(appPool), Duration.ZERO);

    Principal principal = authenticator.authenticate(key.secret()).orElseThrow();

    assertThat(principal.tenantId()).isEqualTo("acme");
    assertThat(principal.keyId()).isEqualTo(key.keyId());
    assertThat(principal.scopes()).containsExactlyInAnyOrder("conversation:read", "ticket:write");
    assertThat(key.secret()).startsWith("pk_").hasSize(46);
  }

  @Test
  void unknownAndTamperedSecretsDoNotAuthenticate() {
    String secret = TestingKeys.create(database, "acme", "*");
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(Database.dsl(appPool), Duration.ZERO);

    assertThat(authenticator.authenticate(secret + "x")).isEmpty();
    assertThat(authenticator.authenticate("")).isEmpty();
    assertThat(authenticator.authenticate("pk_" + "a".repeat(600))).isEmpty();
  }

  @Test
  void aRevokedKeyStopsWorkingOnceTheCacheExpires() throws InterruptedException {
    CreatedKey key = TestingKeys.createKey(database, "acme", "*");
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(Database.dsl(appPool), Duration.ofMillis(300));
    assertThat(authenticator.authenticate(key.secret())).isPresent();

    TestingKeys.revoke(database, key.keyId());
    Thread.sleep(400);

    assertThat(authenticator.authenticate(key.secret())).isEmpty();
  }

  @Test
  void revokingUnknownOrRevokedKeysIsReported() {
    CreatedKey key = TestingKeys.createKey(database, "acme", "*");
    TestingKeys.revoke(database, key.keyId());

    assertThatThrownBy(() -> TestingKeys.revoke(database, key.keyId()))
        .isInstanceOfSatisfying(
            ParleyException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION));
    assertThatThrownBy(() -> TestingKeys.revoke(database, "key_missing"))
        .isInstanceOfSatisfying(
            ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void onlyHashesAreStoredAndTheApplicationRoleCannotReadThem() throws SQLException {
    String secret = TestingKeys.create(database, "acme", "*");
    try (Connection owner =
            java.sql.DriverManager.getConnection(database.jdbcUrl(), database.ownerUser(), "");
        Statement statement = owner.createStatement();
        var rows = statement.executeQuery("SELECT secret_hash FROM identity.api_key")) {
      while (rows.next()) {
        assertThat(rows.getString(1)).hasSize(64).doesNotContain(secret.substring(3, 20));
      }
    }
    try (Connection app = appPool.getConnection();
        Statement statement = app.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM identity.api_key"))
          .hasMessageContaining("permission denied");
    }
  }

  @Test
  void tenantIdsAndScopesAreValidated() {
    assertThatThrownBy(() -> TestingKeys.create(database, "bad tenant", "*"))
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> Scopes.parse("conversation:read,conversation:delete"))
        .hasMessageContaining("unknown scope 'conversation:delete'");
    assertThatThrownBy(() -> Scopes.parse(" , ")).hasMessageContaining("at least one scope");
  }

  @Test
  void writeImpliesReadForTicketsButNotForConversations() {
    assertThat(Scopes.grants(Set.of("ticket:write"), "ticket:read")).isTrue();
    assertThat(Scopes.grants(Set.of("conversation:write"), "conversation:read")).isFalse();
    assertThat(Scopes.grants(Set.of("*"), "analytics:read")).isTrue();
  }

  @Test
  void identityTablesAreGuardedByRowLevelSecurity() throws SQLException {
    RowLevelSecurityAssertions.assertEveryTenantTableIsGuarded(database, "identity");
  }
}
