package dev.parley.standalone;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used so far by this JVM (client, gateway and services of {@code parley bench}) and by
 * the PostgreSQL server processes on this machine, read from Linux's {@code /proc}: every live
 * {@code postgres} process's own time plus what its exited children left (a backend that ended is
 * counted in its parent's). {@code postgresNanos} is -1 where {@code /proc} is not there.
 */
record CpuTime(long jvmNanos, long postgresNanos) {
  /** /proc counts in USER_HZ, 100 per second on Linux. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  static CpuTime now() {
    long jvm =
        ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    return new CpuTime(jvm, postgresTicks() * NANOS_PER_TICK);
  }

  /** The time used between {@code earlier} and this. */
  CpuTime since(CpuTime earlier) {
    return new CpuTime(
        jvmNanos - earlier.jvmNanos,
        postgresNanos < 0 || earlier.postgresNanos < 0
            ? -1
            : postgresNanos - earlier.postgresNanos);
  }

  private static long postgresTicks() {
    Path proc = Path.of("/proc");
    if (!Files.isDirectory(proc)) {
      return -1;
    }
    long ticks = 0;
    try (Stream<Path> entries = Files.list(proc)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (!entry.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        ticks += postgresTicks(entry.resolve("stat"));
      }
    } catch (IOException e) {
      return -1;
    }
    return ticks;
  }

  /** utime + stime + cutime + cstime of a postgres process, 0 for any other (or one now gone). */
  static long postgresTicks(Path stat) {
    String line;
    try {
      line = Files.readString(stat);
    } catch (IOException e) {
      return 0; // ended meanwhile
    }
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open || !line.substring(open + 1, close).equals("postgres")) {
      return 0;
    }
    // After "(comm) ": state is field 3; utime, stime, cutime, cstime are fields 14 to 17.
    String[] fields = line.substring(close + 2).split(" ");
    long ticks = 0;
    for (int field = 14; field <= 17; field++) {
      ticks += Long.parseLong(fields[field - 3]);
    }
    return ticks;
  }
}
