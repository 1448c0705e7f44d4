package dev.parley.platform.identity;

import static dev.parley.platform.identity.schema.Tables.API_KEY;
import static dev.parley.platform.identity.schema.Tables.TENANT;
import static java.util.Objects.requireNonNull;

import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.DSLContext;

/**
 * Creates and revokes API keys. Runs as the database owner (the operator's CLI), never inside a
 * service: services can only verify keys.
 */
public final class ApiKeyAdministration {
  private static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final DSLContext ownerDsl;

  public ApiKeyAdministration(DSLContext ownerDsl) {
    this.ownerDsl = requireNonNull(ownerDsl, "ownerDsl is null");
  }

  /** A new key: its id, and its secret, which is not stored and cannot be shown again. */
  public record CreatedKey(String tenantId, String keyId, Set<String> scopes, String secret) {}

  /** Creates a key for the tenant, creating the tenant on first use. */
  public CreatedKey create(String tenantId, Set<String> scopes, String description) {
    requireNonNull(tenantId, "tenantId is null");
    if (!TENANT_ID.matcher(tenantId).matches()) {
      throw ParleyException.invalidArgument(
          "tenant", "must be 1..64 of letters, digits, '.', '_' or '-', starting alphanumeric");
    }
    String secret = ApiKeySecrets.newSecret();
    String keyId = ApiKeySecrets.newKeyId();
    ownerDsl.transaction(
        configuration -> {
          DSLContext tx = configuration.dsl();
          tx.insertInto(TENANT)
              .set(TENANT.TENANT_ID, tenantId)
              .set(TENANT.DISPLAY_NAME, tenantId)
              .onConflictDoNothing()
              .execute();
          tx.insertInto(API_KEY)
              .set(API_KEY.TENANT_ID, tenantId)
              .set(API_KEY.KEY_ID, keyId)
              .set(API_KEY.SECRET_HASH, ApiKeySecrets.hash(secret))
              .set(API_KEY.SCOPES, Scopes.format(scopes))
              .set(API_KEY.DESCRIPTION, description)
              .execute();
        });
    return new CreatedKey(tenantId, keyId, scopes, secret);
  }

  /** Revokes a key; services stop accepting it once their key cache expires. */
  public void revoke(String keyId) {
    int updated =
        ownerDsl
            .update(API_KEY)
            .set(API_KEY.REVOKE_TIME, OffsetDateTime.now())
            .where(API_KEY.KEY_ID.eq(keyId))
            .and(API_KEY.REVOKE_TIME.isNull())
            .execute();
    if (updated == 0) {
      boolean exists = ownerDsl.fetchExists(API_KEY, API_KEY.KEY_ID.eq(keyId));
      throw new ParleyException(
          exists ? ErrorCode.FAILED_PRECONDITION : ErrorCode.NOT_FOUND,
          exists ? "Key " + keyId + " is already revoked" : "No key " + keyId);
    }
  }
}
