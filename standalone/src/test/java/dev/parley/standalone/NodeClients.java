package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Vendors' JavaScript clients under {@code src/test/node/<name>}, installed from their lockfiles.
 */
final class NodeClients {
  private NodeClients() {}

  /** Runs the command in the client's folder (after {@code npm ci} when needed); its output. */
  static String run(String client, List<String> command) throws IOException, InterruptedException {
    return exec(installed(client), command);
  }

  /** The client's folder, its packages installed. */
  static Path installed(String client) throws IOException, InterruptedException {
    Path folder = Path.of("src/test/node", client);
    if (!Files.isDirectory(folder.resolve("node_modules"))) {
      exec(folder, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"));
    }
    return folder;
  }

  private static String exec(Path folder, List<String> command)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(folder.toFile()).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String text = new String(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(String.join(" ", command) + " printed:\n" + text).isZero();
    return text;
  }
}
