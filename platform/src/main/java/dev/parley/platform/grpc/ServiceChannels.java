package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

/**
 * Channels to Parley's services, for the gateway and for peer calls. A target is what gRPC resolves
 * ({@code host:port}, {@code dns:///name:port}), reached in plaintext or over TLS ({@link Tls}), or
 * {@code in-process:<name>} for a {@link GrpcServer} in the same JVM: the launcher of {@code parley
 * up} points the gateway and the services at each other that way, so a call passes its messages as
 * objects instead of framing them over loopback HTTP/2. Either way the call goes through the
 * server's interceptors (authentication, limits, logging) the same.
 */
public final class ServiceChannels {
  /** The prefix of a target served in this JVM. */
  public static final String IN_PROCESS_SCHEME = "in-process:";

  private ServiceChannels() {}

  /** A plaintext channel (or an in-process one). */
  public static ManagedChannel open(String target) {
    return open(target, Tls.OFF);
  }

  /**
   * A channel over TLS when {@code tls} is on (verifying the server against its CA, presenting this
   * service's certificate), else plaintext; in-process targets need neither.
   */
  public static ManagedChannel open(String target, Tls tls) {
    requireNonNull(target, "target is null");
    requireNonNull(tls, "tls is null");
    if (target.startsWith(IN_PROCESS_SCHEME)) {
      return InProcessChannelBuilder.forName(target.substring(IN_PROCESS_SCHEME.length()))
          .maxInboundMetadataSize(MessageLimits.METADATA_BYTES)
          .build();
    }
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(target)
            .maxInboundMessageSize(MessageLimits.RESPONSE_BYTES)
            .maxInboundMetadataSize(MessageLimits.METADATA_BYTES);
    tls.client().ifPresentOrElse(builder::sslContext, builder::usePlaintext);
    return builder.build();
  }
}
