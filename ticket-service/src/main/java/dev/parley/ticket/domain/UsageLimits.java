package dev.parley.ticket.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Counts each API key's calls of a costly kind in fixed windows shared by every replica. */
public interface UsageLimits {
  /** A limit: at most {@code calls} per window of this length. */
  record Limit(String kind, Duration window, int calls) {}

  /**
   * Counts one call of the key against every limit, unless one is reached: then nothing is counted
   * and the answer is how long until that window ends.
   */
  Optional<Duration> acquire(String tenantId, String keyId, List<Limit> limits, Instant now);
}
