package dev.parley.platform.embedding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Embeddings as the services store them in {@code bytea} columns: little-endian 32-bit floats
 * (PostgreSQL parses no numbers from text to read them, as it would for a {@code real[]}).
 */
public final class StoredVectors {
  private StoredVectors() {}

  public static byte[] bytes(float[] vector) {
    ByteBuffer buffer =
        ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(vector);
    return buffer.array();
  }

  public static float[] vector(byte[] bytes) {
    float[] vector = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
    return vector;
  }
}
