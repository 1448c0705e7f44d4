package dev.parley.platform.identity;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record3;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Verifies presented API keys as the application role, through {@code
 * identity.authenticate_api_key}: the role cannot read the key table, only ask about one hash.
 * Answers are cached briefly, which bounds how long a revoked key keeps working.
 */
public final class ApiKeyAuthenticator {
  private static final int MAX_SECRET_LENGTH = 512;

  private final DSLContext dsl;
  private final Cache<String, Optional<Principal>> cache;

  public ApiKeyAuthenticator(DSLContext dsl, Duration cacheTime) {
    this.dsl = requireNonNull(dsl, "dsl is null");
    this.cache = Caffeine.newBuilder().expireAfterWrite(cacheTime).maximumSize(100_000).build();
  }

  /** The key's principal, or empty for an unknown or revoked key. */
  public Optional<Principal> authenticate(String secret) {
    requireNonNull(secret, "secret is null");
    if (secret.isEmpty() || secret.length() > MAX_SECRET_LENGTH) {
      return Optional.empty();
    }
    // Cached by hash, so that no secret stays in memory.
    return cache.get(ApiKeySecrets.hash(secret), this::lookup);
  }

  private Optional<Principal> lookup(String hash) {
    Record3<String, String, String> row =
        dsl.select(
                DSL.field(DSL.name("tenant_id"), SQLDataType.VARCHAR),
                DSL.field(DSL.name("key_id"), SQLDataType.VARCHAR),
                DSL.field(DSL.name("scopes"), SQLDataType.VARCHAR))
            .from(
                DSL.table("identity.authenticate_api_key({0})", DSL.val(hash, SQLDataType.VARCHAR)))
            .fetchOne();
    if (row == null) {
      return Optional.empty();
    }
    return Optional.of(new Principal(row.value1(), row.value2(), Scopes.parse(row.value3())));
  }
}
