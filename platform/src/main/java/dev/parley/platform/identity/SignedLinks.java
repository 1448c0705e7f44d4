package dev.parley.platform.identity;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Links that carry their own permission, like a presigned S3 URL: the signature is an HMAC-SHA256
 * of what the link names (its tenant, its resource) and when it expires, keyed by the secret every
 * replica shares (the internal token), so any replica verifies a link any other signed. A link
 * whose named parts or expiry were altered, or that has expired, is refused.
 */
public final class SignedLinks {
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;
  private final Clock clock;

  public SignedLinks(String secret, Clock clock) {
    requireNonNull(secret, "secret is null");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("A signing secret is required");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** A signature and its expiry, to put in a link. */
  public record Signature(long expires, String value) {}

  /** Signs the parts for {@code validFor} from now. */
  public Signature sign(Duration validFor, String... parts) {
    long expires = clock.instant().plus(validFor).getEpochSecond();
    return new Signature(expires, mac(expires, parts));
  }

  /** True when the signature is the parts' and the expiry has not passed. */
  public boolean verify(long expires, String signature, String... parts) {
    if (signature == null || Instant.ofEpochSecond(expires).isBefore(clock.instant())) {
      return false;
    }
    return MessageDigest.isEqual(
        mac(expires, parts).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(long expires, String... parts) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        // Length-prefixed, so that ("ab", "c") and ("a", "bc") sign differently.
        mac.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        mac.update((byte) ':');
        mac.update(bytes);
      }
      mac.update(Long.toString(expires).getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
