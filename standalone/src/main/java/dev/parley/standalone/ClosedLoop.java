package dev.parley.standalone;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Calls from concurrent clients, each sending its next call as soon as its last one returned
 * (closed loop): client {@code k} of {@code n} makes calls {@code k}, {@code k + n}, ... The time
 * it all took and each call's latency.
 */
final class ClosedLoop {
  private ClosedLoop() {}

  /** One call, by its index. */
  interface Call {
    void call(int index) throws Exception;
  }

  /**
   * How long all the calls took, each one's latency by index, and the CPU time the JVM and
   * PostgreSQL used meanwhile.
   */
  record Timing(double seconds, long[] latenciesNanos, CpuTime cpu) {}

  static Timing run(int calls, int concurrency, Call call) throws Exception {
    long[] latencies = new long[calls];
    ExecutorService clients = Executors.newFixedThreadPool(concurrency);
    try {
      CpuTime cpuBefore = CpuTime.now();
      long start = System.nanoTime();
      List<Future<?>> futures = new ArrayList<>();
      for (int client = 0; client < concurrency; client++) {
        int first = client;
        futures.add(
            clients.submit(
                () -> {
                  for (int i = first; i < calls; i += concurrency) {
                    long begin = System.nanoTime();
                    call.call(i);
                    latencies[i] = System.nanoTime() - begin;
                  }
                  return null;
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Timing(seconds, latencies, CpuTime.now().since(cpuBefore));
    } finally {
      clients.shutdown();
    }
  }
}
