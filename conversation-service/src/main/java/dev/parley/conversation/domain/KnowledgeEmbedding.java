package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import dev.parley.conversation.domain.KnowledgeStore.PendingPassage;
import dev.parley.platform.embedding.TextEmbedder;
import dev.parley.platform.runtime.Background;
import jakarta.inject.Inject;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds knowledge passages in the background, so that adding a document never waits for the model:
 * batches of {@link #BATCH} passages of any tenant, each on one thread and followed by a pause
 * {@link #PAUSE_FACTOR} times as long as it took (at most a quarter of a core however many
 * documents come in, so that conversation ingest keeps its throughput), a poll every {@link
 * #IDLE_MILLIS} ms when there is nothing to do. Several replicas may embed the same passage at
 * once; the result is the same vector, written twice.
 */
public final class KnowledgeEmbedding implements Background {
  static final int BATCH = 32;
  static final long IDLE_MILLIS = 500;
  static final int PAUSE_FACTOR = 3;
  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeEmbedding.class);

  private final KnowledgeStore store;
  private final TextEmbedder embedder;
  private Thread thread;
  private volatile boolean stopped;

  @Inject
  public KnowledgeEmbedding(KnowledgeStore store, TextEmbedder embedder) {
    this.store = requireNonNull(store, "store is null");
    this.embedder = requireNonNull(embedder, "embedder is null");
  }

  @Override
  public void start() {
    thread = Thread.ofPlatform().name("knowledge-embedding").daemon().start(this::run);
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
        List<PendingPassage> passages = store.passagesToEmbed(BATCH);
        if (!passages.isEmpty()) {
          long start = System.nanoTime();
          List<float[]> embeddings =
              embedder.embed(passages.stream().map(PendingPassage::text).toList());
          store.saveEmbeddings(passages, embeddings);
          pause = Math.max(1, PAUSE_FACTOR * (System.nanoTime() - start) / 1_000_000);
        }
      } catch (RuntimeException e) {
        if (!stopped) {
          LOG.atWarn().setCause(e).log("Embedding knowledge passages failed; retrying");
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
