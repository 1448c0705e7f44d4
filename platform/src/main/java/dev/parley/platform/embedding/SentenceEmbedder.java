package dev.parley.platform.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * bge-small-en-v1.5 (quantized, 384 dimensions), run in-process by ONNX Runtime from the weights
 * inside its Maven artifact: nothing is downloaded, nothing leaves the machine. The one model of
 * Parley, for the assistant's retrieval and for issue clusters, so that "alike" means the same
 * everywhere. Loaded on first use (about a second), so a service starts without waiting for it. A
 * batch is embedded on the calling thread.
 */
public final class SentenceEmbedder implements TextEmbedder {
  private static final int DIMENSION = 384;

  private volatile EmbeddingModel model;

  /**
   * The vectors of the texts. A text the model cannot read (no token it knows: only symbols or
   * replacement characters) gets the zero vector, near nothing, rather than failing the batch it
   * came in: one tenant's odd passage must not stop everyone's embedding.
   */
  @Override
  public List<float[]> embed(List<String> texts) {
    try {
      return vectors(texts);
    } catch (RuntimeException batchFailed) {
      // The model refuses a whole batch for one text (wrapped when it embeds in parallel).
      List<float[]> vectors = new ArrayList<>();
      for (String text : texts) {
        try {
          vectors.add(vectors(List.of(text)).getFirst());
        } catch (IllegalArgumentException unreadable) {
          // Refused alone: this text is the unreadable one.
          vectors.add(new float[DIMENSION]);
        }
      }
      return vectors;
    }
  }

  private List<float[]> vectors(List<String> texts) {
    List<Embedding> embeddings =
        model().embedAll(texts.stream().map(TextSegment::from).toList()).content();
    return embeddings.stream().map(Embedding::vector).toList();
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  private EmbeddingModel model() {
    EmbeddingModel loaded = model;
    if (loaded == null) {
      synchronized (this) {
        loaded = model;
        if (loaded == null) {
          // Texts one after the other on the caller's thread, not one thread per core: embedding
          // is background work and must leave the cores to requests.
          loaded = new BgeSmallEnV15QuantizedEmbeddingModel(Runnable::run);
          model = loaded;
        }
      }
    }
    return loaded;
  }
}
