package dev.parley.platform.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outermost interceptor: gives every call a request id (the caller's {@code x-request-id} when it
 * is sane, else a new one), echoes it in the response headers, and logs one structured line per
 * call with method, status, tenant and duration.
 */
final class RequestLoggingInterceptor implements ServerInterceptor {
  private static final Logger LOG = LoggerFactory.getLogger("parley.access");
  private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  /** Filled by the authentication interceptor, read when the call closes. */
  static final Context.Key<AtomicReference<String>> TENANT_SLOT = Context.key("parley-tenant");

  private final String serviceName;

  RequestLoggingInterceptor(String serviceName) {
    this.serviceName = serviceName;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String presented = headers.get(CallContext.REQUEST_ID_HEADER);
    String requestId =
        presented != null && SANE_REQUEST_ID.matcher(presented).matches()
            ? presented
            : "req_" + UUID.randomUUID().toString().replace("-", "");
    long start = System.nanoTime();
    AtomicReference<String> tenant = new AtomicReference<>("");
    Context context =
        Context.current()
            .withValue(CallContext.REQUEST_ID, requestId)
            .withValue(CallContext.HEADERS, headers)
            .withValue(TENANT_SLOT, tenant);
    ServerCall<Q, R> logged =
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void sendHeaders(Metadata responseHeaders) {
            responseHeaders.put(CallContext.REQUEST_ID_HEADER, requestId);
            super.sendHeaders(responseHeaders);
          }

          @Override
          public void close(Status status, Metadata trailers) {
            trailers.put(CallContext.REQUEST_ID_HEADER, requestId);
            LOG.atInfo()
                .addKeyValue("service", serviceName)
                .addKeyValue("method", call.getMethodDescriptor().getFullMethodName())
                .addKeyValue("status", status.getCode().name())
                .addKeyValue("tenant", tenant.get())
                .addKeyValue("requestId", requestId)
                .addKeyValue("durationMs", (System.nanoTime() - start) / 1_000_000.0)
                .log("call");
            super.close(status, trailers);
          }
        };
    return Contexts.interceptCall(context, logged, headers, next);
  }
}
