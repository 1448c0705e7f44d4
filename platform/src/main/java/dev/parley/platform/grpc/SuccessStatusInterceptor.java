package dev.parley.platform.grpc;

import dev.parley.type.v1.OptionsProto;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a method's {@code (parley.type.v1.success_http_status)} as the {@code parley-http-status}
 * response header, which both gateways turn into the HTTP status of a successful call.
 */
final class SuccessStatusInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> HEADER =
      Metadata.Key.of("parley-http-status", Metadata.ASCII_STRING_MARSHALLER);

  private final Map<String, Integer> statuses = new ConcurrentHashMap<>();

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    int status = statuses.computeIfAbsent(method.getFullMethodName(), ignored -> status(method));
    if (status == 0) {
      return next.startCall(call, headers);
    }
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(HEADER, Integer.toString(status));
            super.sendHeaders(responseHeaders);
          }
        },
        headers);
  }

  private static int status(MethodDescriptor<?, ?> method) {
    if (method.getSchemaDescriptor() instanceof ProtoMethodDescriptorSupplier supplier) {
      return supplier
          .getMethodDescriptor()
          .getOptions()
          .getExtension(OptionsProto.successHttpStatus);
    }
    return 0;
  }
}
