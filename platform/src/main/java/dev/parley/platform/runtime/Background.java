package dev.parley.platform.runtime;

/**
 * Work a service runs beside its calls: serving event streams, following other services' streams,
 * clustering. Built without side effects while the injector is built; {@link ParleyService} starts
 * it once the gRPC server listens and the peers' addresses are known, and stops it, in the reverse
 * order, before calls in flight are drained.
 */
public interface Background {
  /** Starts the work's threads. Called once. */
  void start();

  /** Stops the work and its threads; what it holds open (a stream) ends. Called once. */
  void stop();
}
