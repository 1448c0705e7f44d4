package dev.parley.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.identity.SignedLinks;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignedLinksTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  private static SignedLinks at(Instant now) {
    return new SignedLinks("secret-of-every-replica", Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aLinkVerifiesUntilItExpiresAndOnAnyReplicaWithTheSameSecret() {
    SignedLinks.Signature signature = at(NOW).sign(Duration.ofMinutes(15), "tenant-a", "doc_1");
    assertThat(signature.expires()).isEqualTo(NOW.plusSeconds(900).getEpochSecond());
    assertThat(
            at(NOW.plusSeconds(899))
                .verify(signature.expires(), signature.value(), "tenant-a", "doc_1"))
        .isTrue();
    assertThat(
            at(NOW.plusSeconds(901))
                .verify(signature.expires(), signature.value(), "tenant-a", "doc_1"))
        .isFalse();
  }

  @Test
  void anyAlterationIsRefused() {
    SignedLinks links = at(NOW);
    SignedLinks.Signature signature = links.sign(Duration.ofMinutes(15), "tenant-a", "doc_1");
    assertThat(links.verify(signature.expires() + 1, signature.value(), "tenant-a", "doc_1"))
        .isFalse();
    assertThat(links.verify(signature.expires(), signature.value(), "tenant-b", "doc_1")).isFalse();
    assertThat(links.verify(signature.expires(), signature.value(), "tenant-a", "doc_2")).isFalse();
    // Moving characters between parts changes the signature too.
    assertThat(links.verify(signature.expires(), signature.value(), "tenant-ad", "oc_1")).isFalse();
    assertThat(links.verify(signature.expires(), null, "tenant-a", "doc_1")).isFalse();
    assertThat(
            new SignedLinks("another-secret", Clock.fixed(NOW, ZoneOffset.UTC))
                .verify(signature.expires(), signature.value(), "tenant-a", "doc_1"))
        .isFalse();
  }
}
