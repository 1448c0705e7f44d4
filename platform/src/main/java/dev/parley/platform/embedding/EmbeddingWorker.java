package dev.parley.platform.embedding;

import static java.util.Objects.requireNonNull;

import dev.parley.platform.runtime.Background;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds what a store has waiting, in the background, so that writes never wait for the model:
 * batches of {@link #BATCH} items of any tenant, each on one thread and followed by a pause {@link
 * #PAUSE_FACTOR} times as long as it took (at most a quarter of a core however much comes in, so
 * that ingest keeps its throughput), a poll every {@link #IDLE_MILLIS} ms when there is nothing to
 * do. Several replicas may embed the same item at once; the result is the same vector, written
 * twice. A failing batch is logged and tried again at the next poll.
 *
 * @param <T> what the store hands out to embed
 */
public class EmbeddingWorker<T> implements Background {
  static final int BATCH = 32;
  static final long IDLE_MILLIS = 500;
  static final int PAUSE_FACTOR = 3;
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingWorker.class);

  private final String name;
  private final IntFunction<List<T>> next;
  private final BiConsumer<List<T>, List<float[]>> save;
  private final Function<T, String> text;
  private final TextEmbedder embedder;
  private Thread thread;
  private volatile boolean stopped;

  /**
   * @param next at most so many items without a vector, of any tenant
   * @param save stores each item's vector (in the order of the items)
   * @param text what of an item is embedded
   */
  protected EmbeddingWorker(
      String name,
      IntFunction<List<T>> next,
      BiConsumer<List<T>, List<float[]>> save,
      Function<T, String> text,
      TextEmbedder embedder) {
    this.name = requireNonNull(name, "name is null");
    this.next = requireNonNull(next, "next is null");
    this.save = requireNonNull(save, "save is null");
    this.text = requireNonNull(text, "text is null");
    this.embedder = requireNonNull(embedder, "embedder is null");
  }

  @Override
  public final void start() {
    thread = Thread.ofPlatform().name(name).daemon().start(this::run);
  }

  @Override
  public final void stop() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  private void run() {
    while (!stopped) {
      long pause = IDLE_MILLIS;
      try {
        List<T> items = next.apply(BATCH);
        if (!items.isEmpty()) {
          long start = System.nanoTime();
          save.accept(items, embedder.embed(items.stream().map(text).toList()));
          pause = Math.max(1, PAUSE_FACTOR * (System.nanoTime() - start) / 1_000_000);
        }
      } catch (RuntimeException e) {
        if (!stopped) {
          LOG.atWarn().setCause(e).addKeyValue("worker", name).log("Embedding failed; retrying");
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
