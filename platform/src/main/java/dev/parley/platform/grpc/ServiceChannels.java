package dev.parley.platform.grpc;

import static java.util.Objects.requireNonNull;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;

/**
 * Channels to Parley's services, for the gateway and for peer calls. A target is what gRPC resolves
 * ({@code host:port}, {@code dns:///name:port}), reached in plaintext (TLS, where wanted, is the
 * mesh's), or {@code in-process:<name>} for a {@link GrpcServer} in the same JVM: the launcher of
 * {@code parley up} points the gateway and the services at each other that way, so a call passes
 * its messages as objects instead of framing them over loopback HTTP/2. Either way the call goes
 * through the server's interceptors (authentication, limits, logging) the same.
 */
public final class ServiceChannels {
  /** The prefix of a target served in this JVM. */
  public static final String IN_PROCESS_SCHEME = "in-process:";

  private ServiceChannels() {}

  public static ManagedChannel open(String target) {
    requireNonNull(target, "target is null");
    if (target.startsWith(IN_PROCESS_SCHEME)) {
      return InProcessChannelBuilder.forName(target.substring(IN_PROCESS_SCHEME.length()))
          .maxInboundMetadataSize(MessageLimits.METADATA_BYTES)
          .build();
    }
    return ManagedChannelBuilder.forTarget(target)
        .usePlaintext()
        .maxInboundMessageSize(MessageLimits.RESPONSE_BYTES)
        .maxInboundMetadataSize(MessageLimits.METADATA_BYTES)
        .build();
  }
}
