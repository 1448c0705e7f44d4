package dev.parley.analytics.domain;

import dev.parley.analytics.domain.IssueStore.PendingIssue;
import dev.parley.platform.embedding.EmbeddingWorker;
import dev.parley.platform.embedding.TextEmbedder;
import jakarta.inject.Inject;

/**
 * Embeds issue summaries in the background (batches of any tenant, tenants in turns, paced to a
 * quarter of a core), so that ingest never waits for the model. Saving a batch asks for its
 * tenants' clusters to be computed again. A summary the model cannot read gets the zero vector
 * (alike to nothing), so one tenant's odd text never stalls the others.
 */
public final class IssueEmbedding extends EmbeddingWorker<PendingIssue> {
  @Inject
  public IssueEmbedding(IssueStore store, TextEmbedder embedder) {
    super(
        "issue-embedding",
        store::issuesToEmbed,
        store::saveEmbeddings,
        PendingIssue::summary,
        embedder);
  }
}
