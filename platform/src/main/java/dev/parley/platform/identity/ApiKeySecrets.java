package dev.parley.platform.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Key material. A secret is 32 random bytes (base64url, prefixed {@code pk_}); only its SHA-256 is
 * stored. A fast hash is enough because the secret has 256 bits of entropy: there is nothing to
 * brute-force that a slow hash would protect.
 */
public final class ApiKeySecrets {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SECRET_PREFIX = "pk_";

  private ApiKeySecrets() {}

  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String newKeyId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return "key_" + HexFormat.of().formatHex(bytes);
  }

  /** The stored form of a secret: lower-case hex of its SHA-256. */
  public static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
