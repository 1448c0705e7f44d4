package dev.parley.conversation.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.parley.conversation.domain.TextEmbedder;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantized), run in-process by ONNX Runtime from the weights inside its Maven
 * artifact: nothing is downloaded, nothing leaves the machine. Loaded on first use (about a
 * second), so a service starts without waiting for it. A batch is embedded on the calling thread.
 */
public final class MiniLmEmbedder implements TextEmbedder {
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
          loaded = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
          model = loaded;
        }
      }
    }
    return loaded;
  }
}
