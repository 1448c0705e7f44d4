package dev.parley.platform.embedding;

import java.util.List;

/** Turns texts into vectors whose cosine similarity says how alike their meanings are. */
public interface TextEmbedder {
  /** The vectors of the texts, in order, each of {@link #dimension()} numbers. */
  List<float[]> embed(List<String> texts);

  int dimension();
}
