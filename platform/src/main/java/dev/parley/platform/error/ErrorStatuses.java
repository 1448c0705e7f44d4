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

  private ErrorStatuses() {}

  /** What a call closes with: the status and the trailers that carry the rich details. */
  public record Failure(Status status, Metadata trailers) {}

  public static Failure of(ParleyException exception, String requestId) {
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(exception.code().grpcCode().value())
            .setMessage(exception.getMessage())
            .addDetails(
                Any.pack(
                    ErrorInfo.newBuilder()
                        .setReason(exception.code().name())
                        .setDomain(DOMAIN)
                        .putMetadata("requestId", requestId)
                        .build()));
    if (!exception.violations().isEmpty()) {
      BadRequest.Builder badRequest = BadRequest.newBuilder();
      for (ParleyException.FieldViolation violation : exception.violations()) {
        badRequest.addFieldViolations(
            BadRequest.FieldViolation.newBuilder()
                .setField(violation.field())
                .setDescription(violation.description()));
      }
      status.addDetails(Any.pack(badRequest.build()));
    }
    StatusRuntimeException converted = StatusProto.toStatusRuntimeException(status.build());
    return new Failure(converted.getStatus(), converted.getTrailers());
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
