package dev.parley.platform.error;

import io.grpc.Status;

/** Categories of failure, each with the gRPC status it becomes at the boundary. */
public enum ErrorCode {
  INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT),
  UNAUTHENTICATED(Status.Code.UNAUTHENTICATED),
  PERMISSION_DENIED(Status.Code.PERMISSION_DENIED),
  NOT_FOUND(Status.Code.NOT_FOUND),
  ALREADY_EXISTS(Status.Code.ALREADY_EXISTS),
  FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION),
  ABORTED(Status.Code.ABORTED),
  RESOURCE_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED),
  DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED),
  UNAVAILABLE(Status.Code.UNAVAILABLE),
  UNIMPLEMENTED(Status.Code.UNIMPLEMENTED),
  INTERNAL(Status.Code.INTERNAL);

  private final Status.Code grpcCode;

  ErrorCode(Status.Code grpcCode) {
    this.grpcCode = grpcCode;
  }

  public Status.Code grpcCode() {
    return grpcCode;
  }
}
