package dev.parley.platform.proto;

import com.google.api.HttpBody;
import com.google.protobuf.ByteString;

/**
 * Answers a dialect writes byte for byte where a message cannot say them: a JSON {@code null}
 * (FastAPI's answer for a handler that returns nothing) or no body at all. Both front doors pass a
 * {@code google.api.HttpBody} through as it is.
 */
public final class HttpBodies {
  private static final HttpBody JSON_NULL =
      HttpBody.newBuilder()
          .setContentType("application/json")
          .setData(ByteString.copyFromUtf8("null"))
          .build();

  // A content type is still named (the transcoders want one); the body is empty.
  private static final HttpBody EMPTY =
      HttpBody.newBuilder().setContentType("application/json").build();

  private HttpBodies() {}

  /** The JSON document {@code null}. */
  public static HttpBody jsonNull() {
    return JSON_NULL;
  }

  /** A 200 with no content. */
  public static HttpBody empty() {
    return EMPTY;
  }
}
