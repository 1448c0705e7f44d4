package dev.parley.analytics.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.analytics.domain.IssueStore.PendingIssue;
import dev.parley.platform.embedding.TextEmbedder;
import dev.parley.platform.runtime.Background;
import jakarta.inject.Inject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds issue summaries in the background, so that ingest never waits for the model: batches of
 * {@link #BATCH} issues of any tenant, oldest first, each on one thread and followed by a pause
 * {@link #PAUSE_FACTOR} times as long as it took (at most a quarter of a core however many
 * conversations come in), a poll every {@link #IDLE_MILLIS} ms when there is nothing to do. Saving
 * a batch asks for its tenants' clusters to be computed again. Several replicas may embed the same
 * issue at once; the result is the same vector, written twice. A summary the model cannot read gets
 * the zero vector (alike to nothing), so one tenant's odd text never stalls the others.
 */
public final class IssueEmbedding implements Background {
  static final int BATCH = 32;
  static final long IDLE_MILLIS = 500;
  static final int PAUSE_FACTOR = 3;
  private static final Logger LOG = LoggerFactory.getLogger(IssueEmbedding.class);

  private final IssueStore store;
  private final TextEmbedder embedder;
  private Thread thread;
  private volatile boolean stopped;

  @Inject
  public IssueEmbedding(IssueStore store, TextEmbedder embedder) {
    this.store = requireNonNull(store, "store is null");
    this.embedder = requireNonNull(embedder, "embedder is null");
  }

  @Override
  public void start() {
    thread = Thread.ofPlatform().name("issue-embedding").daemon().start(this::run);
  }

  @Override
  public void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void run() {
    while (!stopped) {
      long pause = IDLE_MILLIS;
      try {
        List<PendingIssue> issues = store.issuesToEmbed(BATCH);
        if (!issues.isEmpty()) {
          long start = System.nanoTime();
          store.saveEmbeddings(
              issues, embedder.embed(issues.stream().map(PendingIssue::summary).toList()));
          pause = Math.max(1, PAUSE_FACTOR * (System.nanoTime() - start) / 1_000_000);
        }
      } catch (RuntimeException e) {
        if (!stopped) {
          LOG.atWarn().setCause(e).log("Embedding issues failed; retrying");
        }
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
