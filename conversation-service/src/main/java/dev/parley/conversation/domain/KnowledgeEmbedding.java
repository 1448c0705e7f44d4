package dev.parley.conversation.domain;

import dev.parley.conversation.domain.KnowledgeStore.PendingPassage;
import dev.parley.platform.embedding.EmbeddingWorker;
import dev.parley.platform.embedding.TextEmbedder;
import dev.parley.platform.runtime.Background;
import jakarta.inject.Inject;

/**
 * Embeds knowledge passages in the background (an {@link EmbeddingWorker}: batches of any tenant,
 * paced to a quarter of a core however many documents come in, so that conversation ingest keeps
 * its throughput), so that adding a document never waits for the model.
 */
public final class KnowledgeEmbedding implements Background {
  private final EmbeddingWorker<PendingPassage> worker;

  @Inject
  public KnowledgeEmbedding(KnowledgeStore store, TextEmbedder embedder) {
    worker =
        new EmbeddingWorker<>(
            "knowledge-embedding",
            store::passagesToEmbed,
            store::saveEmbeddings,
            PendingPassage::text,
            embedder);
  }

  @Override
  public void start() {
    worker.start();
  }

  @Override
  public void stop() {
    worker.stop();
  }
}
