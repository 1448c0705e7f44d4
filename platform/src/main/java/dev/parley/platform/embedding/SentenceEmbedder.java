package dev.parley.platform.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * bge-small-en-v1.5 (quantized, 384 dimensions), run in-process by ONNX Runtime from the weights
 * inside its Maven artifact: nothing is downloaded, nothing leaves the machine. The one model of
 * Parley, for the assistant's retrieval and for issue clusters, so that "alike" means the same
 * everywhere. Loaded on first use (about a second), once per process, so a service starts without
 * waiting for it. A batch is embedded on the calling thread, and ONNX Runtime is held to that one
 * thread too (by default it spreads each text over every core), so that background embedding paced
 * to a share of one core takes that share and no more.
 */
public final class SentenceEmbedder implements TextEmbedder {
  private static final int DIMENSION = 384;

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

  /** The model, loaded by the first call in the process (the holder class's initialisation). */
  private static EmbeddingModel model() {
    return Model.INSTANCE;
  }

  /** The model's weights and tokenizer from its artifact, run on the caller's thread only. */
  private static final class Model extends AbstractInProcessEmbeddingModel {
    static final Model INSTANCE = new Model();

    private final OnnxBertBiEncoder encoder;

    private Model() {
      // Texts one after the other on the caller's thread, not one thread per core: embedding is
      // background work and must leave the cores to requests.
      super(Runnable::run);
      try (InputStream weights = resource("bge-small-en-v1.5-q.onnx");
          InputStream tokenizer = resource("bge-small-en-v1.5-q-tokenizer.json");
          OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        encoder =
            new OnnxBertBiEncoder(
                environment,
                environment.createSession(weights.readAllBytes(), options),
                tokenizer,
                PoolingMode.CLS);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (OrtException e) {
        throw new IllegalStateException("Cannot load the sentence embedding model", e);
      }
    }

    private static InputStream resource(String name) throws IOException {
      InputStream stream =
          BgeSmallEnV15QuantizedEmbeddingModel.class.getClassLoader().getResourceAsStream(name);
      if (stream == null) {
        throw new IOException(name + " is missing from the model's artifact");
      }
      return stream;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSION;
    }
  }
}
