package dev.parley.platform.grpc;

import io.grpc.stub.StreamObserver;

/** The answer of a unary call. */
public final class Responses {
  private Responses() {}

  /** Sends the one message of a unary call and completes it. */
  public static <T> void respond(StreamObserver<T> response, T message) {
    response.onNext(message);
    response.onCompleted();
  }
}
