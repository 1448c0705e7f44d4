package dev.parley.gateway;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.parley.platform.ops.Tracing;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Forwards every method of a gRPC service, unchanged, to the backend that serves it: request
 * headers travel as metadata, the backend's headers, status and trailers come back as they are. One
 * handler serves every method, so no code is written per method.
 */
final class UpstreamForwarder<Q, R> implements ServerCallHandler<Q, R> {
  /** Transport-level headers that the client channel sets itself. */
  private static final Set<String> NOT_FORWARDED =
      ImmutableSet.of(
          "content-type",
          "content-length",
          "te",
          "host",
          "connection",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "user-agent",
          "accept-encoding");

  private final Channel channel;
  private final MethodDescriptor<Q, R> method;
  private final Duration timeout;
  private final Tracing tracing;

  private UpstreamForwarder(
      Channel channel, MethodDescriptor<Q, R> method, Duration timeout, Tracing tracing) {
    this.channel = requireNonNull(channel, "channel is null");
    this.method = requireNonNull(method, "method is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.tracing = requireNonNull(tracing, "tracing is null");
  }

  /** A service definition whose every method forwards to the channel. */
  static ServerServiceDefinition forService(
      ServiceDescriptor service, Channel channel, Duration timeout, Tracing tracing) {
    ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
    for (MethodDescriptor<?, ?> method : service.getMethods()) {
      addMethod(definition, method, channel, timeout, tracing);
    }
    return definition.build();
  }

  private static <Q, R> void addMethod(
      ServerServiceDefinition.Builder definition,
      MethodDescriptor<Q, R> method,
      Channel channel,
      Duration timeout,
      Tracing tracing) {
    definition.addMethod(
        ServerMethodDefinition.create(
            method, new UpstreamForwarder<>(channel, method, timeout, tracing)));
  }

  @Override
  public ServerCall.Listener<Q> startCall(ServerCall<Q, R> serverCall, Metadata headers) {
    ServiceRequestContext context = ServiceRequestContext.currentOrNull();
    Metadata outgoing = forwarded(headers);
    ClientCall<Q, R> clientCall;
    // The call's span continues the REST caller's trace.
    try (Scope scope = tracing.parent(outgoing).makeCurrent()) {
      clientCall =
          channel.newCall(
              method,
              CallOptions.DEFAULT.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }
    clientCall.start(
        new ClientCall.Listener<>() {
          @Override
          public void onHeaders(Metadata responseHeaders) {
            if (context != null) {
              DialectResponses.recordSuccessStatus(context, responseHeaders);
            }
            serverCall.sendHeaders(responseHeaders);
          }

          @Override
          public void onMessage(R message) {
            serverCall.sendMessage(message);
            clientCall.request(1);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            serverCall.close(status, trailers);
          }
        },
        outgoing);
    clientCall.request(1);
    serverCall.request(1);
    return new ServerCall.Listener<>() {
      @Override
      public void onMessage(Q message) {
        clientCall.sendMessage(message);
        serverCall.request(1);
      }

      @Override
      public void onHalfClose() {
        clientCall.halfClose();
      }

      @Override
      public void onCancel() {
        clientCall.cancel("The caller cancelled", null);
      }
    };
  }

  /** An HTTP request's headers as the metadata of the call it becomes. */
  static Metadata forwarded(RequestHeaders incoming) {
    Metadata outgoing = new Metadata();
    incoming.forEach(
        (name, value) -> {
          String key = name.toString();
          if (key.startsWith(":")
              || key.startsWith("grpc-")
              || NOT_FORWARDED.contains(key)
              || key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
            return;
          }
          outgoing.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);
        });
    return outgoing;
  }

  private static Metadata forwarded(Metadata incoming) {
    Metadata outgoing = new Metadata();
    for (String key : incoming.keys()) {
      if (key.startsWith(":") || key.startsWith("grpc-") || NOT_FORWARDED.contains(key)) {
        continue;
      }
      if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Metadata.Key<byte[]> binary = Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER);
        for (byte[] value : incoming.getAll(binary)) {
          outgoing.put(binary, value);
        }
      } else {
        Metadata.Key<String> ascii = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
        for (String value : incoming.getAll(ascii)) {
          outgoing.put(ascii, value);
        }
      }
    }
    return outgoing;
  }
}
