package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTimeTest {
  @TempDir Path folder;

  private long ticks(String stat) throws Exception {
    Path file = folder.resolve("stat");
    Files.writeString(file, stat);
    return CpuTime.postgresTicks(file);
  }

  @Test
  void countsAPostgresProcessOwnAndReapedChildrenTime() throws Exception {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime ...
    assertThat(ticks("4242 (postgres) S 1 4242 4242 0 -1 4194560 900 0 0 0 120 30 7 3 20 0 1 0"))
        .isEqualTo(160);
  }

  @Test
  void ignoresOtherProcessesAndOnesGone() throws Exception {
    assertThat(ticks("17 (java) S 1 17 17 0 -1 0 0 0 0 0 5000 100 0 0 20 0 40 0")).isZero();
    assertThat(ticks("18 (a (postgres)) S 1 18 18 0 -1 0 0 0 0 0 5 1 0 0 20 0 1 0")).isZero();
    assertThat(CpuTime.postgresTicks(folder.resolve("absent"))).isZero();
  }

  @Test
  void measuresTheJvmBetweenTwoReadings() {
    CpuTime before = CpuTime.now();
    long sum = 0;
    for (int i = 0; i < 50_000_000; i++) {
      sum += i % 7;
    }
    CpuTime used = CpuTime.now().since(before);
    assertThat(sum).isPositive();
    assertThat(used.jvmNanos()).isPositive();
  }
}
