package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README is the newcomer's path: its configuration table must list every variable. */
class ReadmeTest {
  @Test
  void theConfigurationTableListsEveryVariableWithItsDefault() throws Exception {
    String readme = Files.readString(Path.of("../README.md"));
    for (Setting setting : Setting.values()) {
      String row =
          readme
              .lines()
              .filter(line -> line.startsWith("| `" + setting.variable() + "` |"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(setting.variable() + " is not in the README"));
      setting
          .defaultValue()
          .filter(value -> !value.isEmpty())
          .ifPresent(value -> assertThat(row).as(setting.variable()).contains("`" + value + "`"));
    }
    assertThat(readme).contains("./parley up").contains("./parley test");
  }
}
