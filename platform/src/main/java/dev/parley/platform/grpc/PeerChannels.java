package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.ops.Tracing;
import dev.parley.type.v1.Backend;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.stub.MetadataUtils;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Channels to the other services. A call made while serving a request carries that request's
 * credentials and request id, so the peer authorizes the same caller (the caller's tenant, the
 * caller's scopes) and its log lines share the request id.
 */
public final class PeerChannels implements AutoCloseable {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);

  private final Map<Backend, String> targets = new ConcurrentHashMap<>();
  private final Map<Backend, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final String internalToken;
  private final Tls tls;
  private final Tracing tracing;

  @Inject
  public PeerChannels(ServerConfig config, Tracing tracing) {
    this.tracing = requireNonNull(tracing, "tracing is null");
    targets.putAll(requireNonNull(config, "config is null").peers());
    this.internalToken = config.internalToken();
    this.tls = config.tls();
  }

  /**
   * Points at a peer where it actually listens: the launcher starts every service's server on a
   * free port, then tells each where the others are, before any background work (which calls peers)
   * starts. Refused once a channel to the peer exists.
   */
  public void target(Backend backend, String target) {
    if (channels.containsKey(backend)) {
      throw new IllegalStateException(
          "A channel to " + backend + " is open; targets are set before the service starts");
    }
    targets.put(backend, target);
  }

  /** A channel to the peer, or empty when this service has no target for it. */
  public Optional<Channel> channel(Backend backend) {
    return managed(backend)
        .map(
            channel ->
                ClientInterceptors.intercept(
                    channel, new CallerCredentials(), tracing.clientInterceptor()));
  }

  /**
   * A channel to the peer for internal methods (event streams): calls carry the internal token, not
   * a caller's key.
   */
  public Optional<Channel> internalChannel(Backend backend) {
    Metadata headers = new Metadata();
    headers.put(AuthenticationInterceptor.INTERNAL_TOKEN, internalToken);
    return managed(backend)
        .map(
            channel ->
                ClientInterceptors.intercept(
                    channel,
                    MetadataUtils.newAttachHeadersInterceptor(headers),
                    tracing.clientInterceptor()));
  }

  private Optional<ManagedChannel> managed(Backend backend) {
    String target = targets.get(backend);
    if (target == null || target.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(channels.computeIfAbsent(backend, ignored -> ServiceChannels.open(target)));
  }

  /** The process's traces, for work that follows a peer (event streams). */
  public Tracing tracing() {
    return tracing;
  }

  @Override
  public void close() {
    for (ManagedChannel channel : channels.values()) {
      channel.shutdown();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Copies the served call's key and request id onto the outgoing call. */
  private static final class CallerCredentials implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      String authorization = CallContext.header("authorization");
      String apiKey = CallContext.header("api-key");
      String requestId = CallContext.requestId();
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          if (authorization != null) {
            headers.put(AUTHORIZATION, authorization);
          } else if (apiKey != null) {
            headers.put(API_KEY, apiKey);
          }
          headers.put(CallContext.REQUEST_ID_HEADER, requestId);
          super.start(listener, headers);
        }
      };
    }
  }
}
