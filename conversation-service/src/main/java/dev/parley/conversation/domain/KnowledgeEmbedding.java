package dev.parley.conversation.domain;

import dev.parley.conversation.domain.KnowledgeStore.PendingPassage;
import dev.parley.platform.embedding.EmbeddingWorker;
import dev.parley.platform.embedding.TextEmbedder;
import jakarta.inject.Inject;

/**
 * Embeds knowledge passages in the background (batches of any tenant, paced to a quarter of a core
 * however many documents come in, so that conversation ingest keeps its throughput), so that adding
 * a document never waits for the model.
 */
public final class KnowledgeEmbedding extends EmbeddingWorker<PendingPassage> {
  @Inject
  public KnowledgeEmbedding(KnowledgeStore store, TextEmbedder embedder) {
    super(
        "knowledge-embedding",
        store::passagesToEmbed,
        store::saveEmbeddings,
        PendingPassage::text,
        embedder);
  }
}
