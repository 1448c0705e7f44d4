package dev.parley.platform.proto;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Conversions between {@code google.protobuf.Timestamp} and {@link Instant}, exact to the nano. */
public final class ProtoTime {
  private ProtoTime() {}

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }

  public static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
