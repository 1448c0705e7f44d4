package dev.parley.platform.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Parley that died without stopping left on its PostgreSQL data folder, found and stopped
 * deliberately before the embedded server starts there again:
 *
 * <ul>
 *   <li>a server still running (the JVM was killed, the postmaster it started lives on): asked to
 *       stop (SIGTERM, PostgreSQL's smart shutdown, which writes a checkpoint), killed only if it
 *       does not stop within a minute;
 *   <li>backends whose postmaster was killed, which still hold the old shared memory and would make
 *       the new server refuse to start: stopped;
 *   <li>a {@code postmaster.pid} naming a process that is not PostgreSQL on this folder: removed.
 * </ul>
 *
 * Only the process holding Parley's lock on the data folder calls this, so nothing found here
 * belongs to a running Parley. Every finding is logged.
 */
final class LeftoverPostgres {
  private static final Logger LOG = LoggerFactory.getLogger(LeftoverPostgres.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(60);
  private static final Path PROC = Path.of("/proc");

  private LeftoverPostgres() {}

  /** Stops what an earlier server left running on the folder, and removes a stale pid file. */
  static void clear(Path dataDirectory) {
    Path folder = realPath(dataDirectory);
    Path pidFile = folder.resolve("postmaster.pid");
    Optional<Long> recorded = recordedPid(pidFile);
    if (recorded.isPresent()) {
      Optional<ProcessHandle> postmaster =
          ProcessHandle.of(recorded.get()).filter(process -> isPostgresOn(process, folder));
      if (postmaster.isPresent()) {
        LOG.atWarn()
            .addKeyValue("pid", recorded.get())
            .addKeyValue("dataDirectory", folder)
            .log(
                "PostgreSQL is still running on the data folder, left by a Parley that did not"
                    + " stop; stopping it before starting again");
        stop(postmaster.get());
      }
    }
    List<ProcessHandle> orphans =
        ProcessHandle.allProcesses().filter(process -> isPostgresOn(process, folder)).toList();
    if (!orphans.isEmpty()) {
      LOG.atWarn()
          .addKeyValue("processes", orphans.size())
          .addKeyValue("dataDirectory", folder)
          .log("Stopping PostgreSQL processes whose server is gone (they hold its shared memory)");
      orphans.forEach(LeftoverPostgres::stop);
    }
    if (recorded.isPresent() && Files.exists(pidFile)) {
      LOG.atInfo()
          .addKeyValue("pid", recorded.get())
          .log("Removing the pid file of a PostgreSQL that no longer runs");
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot remove " + pidFile, e);
      }
    }
  }

  /** Asks the process to stop, waits, and kills it if it will not. */
  private static void stop(ProcessHandle process) {
    CompletableFuture<ProcessHandle> exited = process.onExit();
    process.destroy();
    try {
      exited.get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      LOG.atWarn().addKeyValue("pid", process.pid()).log("PostgreSQL did not stop; killing it");
      process.destroyForcibly();
      exited.join();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping PostgreSQL", e);
    }
  }

  /** Whether the process is a PostgreSQL server or backend working in the folder. */
  private static boolean isPostgresOn(ProcessHandle process, Path folder) {
    if (process.pid() == ProcessHandle.current().pid()) {
      return false;
    }
    boolean postgres =
        process.info().command().map(command -> command.endsWith("/postgres")).orElse(false);
    if (!postgres) {
      return false;
    }
    try {
      return Files.readSymbolicLink(PROC.resolve(Long.toString(process.pid())).resolve("cwd"))
          .equals(folder);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false; // gone meanwhile, or not ours to inspect
    }
  }

  private static Optional<Long> recordedPid(Path pidFile) {
    try {
      String first =
          Files.readAllLines(pidFile, StandardCharsets.UTF_8).stream()
              .findFirst()
              .orElse("")
              .strip();
      return first.matches("\\d{1,10}") ? Optional.of(Long.parseLong(first)) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + pidFile, e);
    }
  }

  private static Path realPath(Path folder) {
    try {
      return folder.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + folder, e);
    }
  }
}
