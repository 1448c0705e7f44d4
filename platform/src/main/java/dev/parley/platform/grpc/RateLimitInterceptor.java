package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ErrorStatuses;
import dev.parley.platform.error.ParleyException;
import dev.parley.platform.identity.Principal;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Limits each API key's calls to this service (Bucket4j token buckets, one per key, kept while the
 * key is in use): beyond them a call is refused with RESOURCE_EXHAUSTED, which every front door
 * answers as 429 in its dialect's error shape, with {@code Retry-After} (seconds until a call is
 * allowed), {@code X-RateLimit-Limit} (the burst), {@code X-RateLimit-Remaining} (0) and {@code
 * X-RateLimit-Reset} (seconds until the bucket is full again). Parley's internal calls are not
 * limited. The buckets are this replica's: with N replicas behind a balancer a key gets up to N
 * times the rate, as with Envoy's local rate limit; nothing is lost when a replica goes.
 */
final class RateLimitInterceptor implements ServerInterceptor {
  private final RateLimits limits;
  private final Cache<String, Bucket> buckets =
      Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(100_000).build();

  RateLimitInterceptor(RateLimits limits) {
    this.limits = requireNonNull(limits, "limits is null");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Principal principal = CallContext.PRINCIPAL.get();
    if (!limits.on() || principal == null || principal == AuthenticationInterceptor.INTERNAL) {
      return next.startCall(call, headers);
    }
    Bucket bucket = buckets.get(principal.keyId(), key -> newBucket());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      return next.startCall(call, headers);
    }
    long retryAfter =
        Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill() + 999_999_999));
    long untilFull = (long) Math.ceil((double) limits.burst() / limits.perSecond());
    ParleyException refused =
        new ParleyException(
                ErrorCode.RESOURCE_EXHAUSTED,
                "Rate limit exceeded: "
                    + limits.perSecond()
                    + " requests per second per API key (bursts of "
                    + limits.burst()
                    + "); retry after "
                    + retryAfter
                    + " s")
            .withHeader("Retry-After", Long.toString(retryAfter))
            .withHeader("X-RateLimit-Limit", Integer.toString(limits.burst()))
            .withHeader("X-RateLimit-Remaining", "0")
            .withHeader("X-RateLimit-Reset", Long.toString(untilFull));
    ErrorStatuses.Failure failure = ErrorStatuses.of(refused, CallContext.requestId());
    call.close(failure.status(), failure.trailers());
    return new ServerCall.Listener<>() {};
  }

  private Bucket newBucket() {
    return Bucket.builder()
        .addLimit(
            Bandwidth.builder()
                .capacity(limits.burst())
                .refillGreedy(limits.perSecond(), Duration.ofSeconds(1))
                .build())
        .build();
  }
}
