package dev.parley.platform.grpc;

/**
 * Per-key request limits of a service: a bucket of {@code burst} calls that refills at {@code
 * perSecond} calls a second (so a key may burst, then go on at the sustained rate). Zero for {@code
 * perSecond} turns limits off.
 */
public record RateLimits(int perSecond, int burst) {
  public static final RateLimits OFF = new RateLimits(0, 0);

  public RateLimits {
    if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
      throw new IllegalArgumentException("perSecond and burst must be >= 0, burst >= 1 when on");
    }
  }

  public boolean on() {
    return perSecond > 0;
  }
}
