package dev.parley.platform.error;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.jooq.exception.DataAccessException;

/** The one mapping from failures to {@code google.rpc.Status} with ErrorInfo and BadRequest. */
public final class ErrorStatuses {
  /** ErrorInfo.domain of every Parley error. */
  public static final String DOMAIN = "parley.dev";

  /**
   * The longest message, field path and field description a status carries. Messages echo what the
   * caller sent (an id, a field name); a status travels in HTTP/2 trailers, whose size every peer
   * limits, so an error about a 100 KB value must not become a 100 KB trailer that breaks the
   * connection it shares with other callers' requests.
   */
  static final int MAX_MESSAGE = 512;

  static final int MAX_FIELD = 200;

  /** The ErrorInfo metadata key of a verbatim dialect body ({@link ParleyException#body}). */
  public static final String BODY_KEY = "httpBody";

  /** The HTTP response headers a failure may carry as trailers, which both gateways pass on. */
  public static final java.util.Set<String> RESPONSE_HEADERS =
      java.util.Set.of(
          "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset");

  /** The longest verbatim body. */
  static final int MAX_BODY = 1024;

  private ErrorStatuses() {}

  /** What a call closes with: the status and the trailers that carry the rich details. */
  public record Failure(Status status, Metadata trailers) {}

  public static Failure of(ParleyException exception, String requestId) {
    ErrorInfo.Builder info =
        ErrorInfo.newBuilder()
            .setReason(exception.code().name())
            .setDomain(DOMAIN)
            .putMetadata("requestId", requestId);
    if (exception.body() != null && exception.body().length() <= MAX_BODY) {
      info.putMetadata(BODY_KEY, exception.body());
    }
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(exception.code().grpcCode().value())
            .setMessage(bounded(exception.getMessage(), MAX_MESSAGE))
            .addDetails(Any.pack(info.build()));
    if (!exception.violations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (ParleyException.FieldViolation violation : exception.violations()) {
        badRequest.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(bounded(violation.field(), MAX_FIELD))
                .setDescription(bounded(violation.description(), MAX_MESSAGE))
                .setReason(bounded(violation.reason(), MAX_FIELD)));
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    StatusRuntimeException converted = StatusProto.toStatusRuntimeException(status.build());
    Metadata trailers = converted.getTrailers();
    exception
        .headers()
        .forEach(
            (name, value) -> {
              if (RESPONSE_HEADERS.contains(name)) {
                trailers.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
              }
            });
    return new Failure(converted.getStatus(), trailers);
  }

  /** The text, cut to at most {@code max} characters (never inside a surrogate pair). */
  public static String bounded(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 3;
    if (Character.isLowSurrogate(text.charAt(end))) {
      end--;
    }
    return text.substring(0, end) + "...";
  }

  /** Translates anything thrown by a call into a ParleyException, hiding internals. */
  public static ParleyException translate(Throwable throwable) {
    return switch (throwable) {
      case ParleyException parley -> parley;
      case DataAccessException dataAccess -> SqlStates.translate(dataAccess);
      default -> null;
    };
  }
}
