package dev.parley.platform.grpc;

import com.google.protobuf.MessageLite;
import dev.parley.platform.error.ErrorCode;
import dev.parley.platform.error.ParleyException;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Refuses to send an answer larger than {@link MessageLimits#RESPONSE_BYTES} with a clear error the
 * caller can act on, instead of letting the receiving channel fail it as RESOURCE_EXHAUSTED (which
 * gateways render as 429, as if the caller were rate limited). Lists stay far below the limit
 * through their byte budget; this catches answers that have none (an analytics query of a thousand
 * rows of large properties).
 */
final class ResponseSizeInterceptor implements ServerInterceptor {
  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendMessage(R message) {
            if (message instanceof MessageLite lite
                && lite.getSerializedSize() > MessageLimits.RESPONSE_BYTES) {
              throw new ParleyException(
                  ErrorCode.FAILED_PRECONDITION,
                  "The answer would be %d MiB, more than the %d MiB an answer may carry; ask for"
                          .formatted(
                              lite.getSerializedSize() >> 20, MessageLimits.RESPONSE_BYTES >> 20)
                      + " fewer items or fields");
            }
            super.sendMessage(message);
          }
        },
        headers);
  }
}
