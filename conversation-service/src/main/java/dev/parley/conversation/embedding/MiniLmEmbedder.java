package dev.parley.conversation.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.parley.conversation.domain.TextEmbedder;
import java.util.List;

/**
 * all-MiniLM-L6-v2 (quantized), run in-process by ONNX Runtime from the weights inside its Maven
 * artifact: nothing is downloaded, nothing leaves the machine. Loaded on first use (about a
 * second), so a service starts without waiting for it.
 */
public final class MiniLmEmbedder implements TextEmbedder {
  private static final int DIMENSION = 384;

  private volatile EmbeddingModel model;

  @Override
  public List<float[]> embed(List<String> texts) {
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
          loaded = new AllMiniLmL6V2QuantizedEmbeddingModel();
          model = loaded;
        }
      }
    }
    return loaded;
  }
}
