package dev.parley.platform.grpc;

import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ErrorStatuses;
import dev.parley.platform.error.ParleyException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Innermost interceptor: turns what a service method throws into a {@code google.rpc.Status}.
 * Parley's own errors keep their category and message; anything else becomes INTERNAL with a
 * generic message and the request id, and is logged with its stack trace here, never sent.
 */
final class ExceptionMappingInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger(ExceptionMappingInterceptor.class);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    ServerCall.Listener<Q> delegate = next.startCall(call, headers);
    return new SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          fail(call, e);
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          fail(call, e);
        }
      }

      @Override
      public void onReady() {
        try {
          super.onReady();
        } catch (RuntimeException e) {
          fail(call, e);
        }
      }
    };
  }

  private static void fail(ServerCall<?, ?> call, RuntimeException thrown) {
    String requestId = CallContext.requestId();
    ParleyException mapped = ErrorStatuses.translate(thrown);
    if (mapped == null) {
      LOG.atError()
          .addKeyValue("requestId", requestId)
          .addKeyValue("method", call.getMethodDescriptor().getFullMethodName())
          .setCause(thrown)
          .log("Unexpected failure");
      mapped =
          new ParleyException(
              ErrorCode.INTERNAL, "Internal error; quote request id " + requestId + " to support");
    }
    ErrorStatuses.Failure failure = ErrorStatuses.of(mapped, requestId);
    call.close(failure.status(), failure.trailers());
  }
}
