package dev.parley.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.platform.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code parley eval clusters} on 300 labelled Banking77 questions, and the scores it prints. */
class ClusterEvalTest {
  private static final Pattern ROW =
      Pattern.compile(
          "(\\S+)\\s+threshold (\\S+)\\s+clusters\\s+(\\d+)\\s+unclustered\\s+(\\d+)"
              + "\\s+NMI (\\S+)\\s+ARI (\\S+)\\s+(\\S+) s");

  @Test
  void scoresEmbeddingsAndTfIdfSideBySideOnLabelledQuestions() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Parley.run(
            List.of("eval", "clusters", "src/test/resources/banking77-sample.csv"),
            Environment.of(Map.of()),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(printed + err).isZero();
    assertThat(printed).contains("banking77-sample.csv: 300 questions (all), 76 labels");
    Matcher rows = ROW.matcher(printed);
    assertThat(rows.find()).as(printed).isTrue();
    assertThat(rows.group(1)).isEqualTo("embeddings");
    double embeddingsNmi = Double.parseDouble(rows.group(5));
    double embeddingsAri = Double.parseDouble(rows.group(6));
    assertThat(rows.find()).isTrue();
    assertThat(rows.group(1)).isEqualTo("tf-idf");
    double termsNmi = Double.parseDouble(rows.group(5));
    // Few questions per intent here, so the figures are lower than on the whole split
    // (docs/clusters.md), but the embeddings must still beat TF-IDF on both scores.
    assertThat(embeddingsNmi).isGreaterThan(termsNmi).isLessThanOrEqualTo(1);
    assertThat(embeddingsAri).isGreaterThan(Double.parseDouble(rows.group(6)));
  }

  @Test
  void anOptionWithoutItsValueOrAnUnknownOneIsRefused() {
    for (List<String> args :
        List.of(
            List.of("eval", "clusters", "src/test/resources/banking77-sample.csv", "--half"),
            List.of("eval", "clusters", "src/test/resources/banking77-sample.csv", "--k", "77"))) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status =
          Parley.run(
              args,
              Environment.of(Map.of()),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));

      assertThat(status).isEqualTo(2);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .isIn("parley eval: --half needs a value\n", "parley eval: unknown option --k\n");
    }
  }

  @Test
  void tuneAndTestAreTheEvenAndOddRows(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("four.csv");
    Files.writeString(file, "text,category\na,x\nb,y\n\"c, quoted\",x\nd,y\n");

    assertThat(ClusterEval.rows(file, "tune", 100))
        .containsExactly(new String[] {"a", "x"}, new String[] {"c, quoted", "x"});
    assertThat(ClusterEval.rows(file, "test", 100))
        .containsExactly(new String[] {"b", "y"}, new String[] {"d", "y"});
    assertThat(ClusterEval.rows(file, "all", 3)).hasSize(3);
  }

  @Test
  void scoresAgreeWithScikitLearnsDefinitions() {
    List<String> truth = List.of("0", "0", "0", "1", "1", "1");
    List<String> found = List.of("0", "0", "1", "1", "2", "2");

    // As scikit-learn computes them: adjusted_rand_score 0.2424..., normalized_mutual_info_score
    // (arithmetic) 0.5158...
    assertThat(ClusterScores.ari(truth, found)).isCloseTo(0.242424, within(1e-6));
    assertThat(ClusterScores.nmi(truth, found)).isCloseTo(0.515804, within(1e-6));
    assertThat(ClusterScores.ari(truth, truth)).isEqualTo(1.0);
    assertThat(ClusterScores.nmi(found, found)).isCloseTo(1.0, within(1e-12));
  }
}
