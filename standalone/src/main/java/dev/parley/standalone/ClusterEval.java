package dev.parley.standalone;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.parley.analytics.domain.IssueClustering;
import dev.parley.analytics.domain.IssueClustering.Cluster;
import dev.parley.analytics.domain.IssueClustering.Issue;
import dev.parley.analytics.domain.IssueClustering.Method;
import dev.parley.analytics.domain.IssueText;
import dev.parley.platform.embedding.SentenceEmbedder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code parley eval clusters FILE.csv}: how well issue clustering finds the topics of a labelled
 * corpus. Each row ({@code text,label}, with a header) is a user's question; it goes through what
 * production does with a conversation's user text (the issue's summary, its embedding by the same
 * model, the same clustering) and the clusters are scored against the labels: normalized mutual
 * information and adjusted Rand index (an unclustered issue counts as a cluster of its own), the
 * number of clusters and the time, for the embeddings and for TF-IDF side by side.
 *
 * <p>{@code --half tune} keeps the even rows, {@code --half test} the odd ones: thresholds are
 * chosen on one and reported on the other. {@code --thresholds a,b,...} scores each threshold
 * (default: the production ones).
 */
final class ClusterEval {
  private ClusterEval() {}

  /** A method at a threshold, scored. */
  record Score(
      String method,
      double threshold,
      int clusters,
      int unclustered,
      double nmi,
      double ari,
      double seconds) {}

  static int run(List<String> args, PrintStream out, PrintStream err) throws IOException {
    if (args.size() < 2 || !args.getFirst().equals("clusters")) {
      err.println(
          "Usage: parley eval clusters FILE.csv [--half tune|test] [--limit N]"
              + " [--thresholds a,b,...] [--terms-thresholds a,b,...]");
      return 2;
    }
    Path file = Path.of(args.get(1));
    String half = "all";
    int limit = Integer.MAX_VALUE;
    List<Double> thresholds = List.of(IssueClustering.THRESHOLD);
    List<Double> termsThresholds = List.of(IssueClustering.TERMS_THRESHOLD);
    if (args.size() % 2 != 0) {
      err.println("parley eval: " + args.getLast() + " needs a value");
      return 2;
    }
    for (int i = 2; i < args.size(); i += 2) {
      String value = args.get(i + 1);
      switch (args.get(i)) {
        case "--half" -> half = value;
        case "--limit" -> limit = Integer.parseInt(value);
        case "--thresholds" -> thresholds = numbers(value);
        case "--terms-thresholds" -> termsThresholds = numbers(value);
        default -> {
          err.println("parley eval: unknown option " + args.get(i));
          return 2;
        }
      }
    }
    List<String[]> rows = rows(file, half, limit);
    if (rows.size() < 2) {
      err.println("parley eval: " + file + " has fewer than two labelled rows");
      return 2;
    }
    out.printf(
        Locale.ROOT,
        "%s: %d questions (%s), %d labels%n",
        file.getFileName(),
        rows.size(),
        half,
        rows.stream().map(row -> row[1]).distinct().count());
    for (Score score : evaluate(rows, thresholds, termsThresholds, out)) {
      out.printf(
          Locale.ROOT,
          "%-10s threshold %.2f  clusters %5d  unclustered %5d  NMI %.3f  ARI %.3f  %.1f s%n",
          score.method(),
          score.threshold(),
          score.clusters(),
          score.unclustered(),
          score.nmi(),
          score.ari(),
          score.seconds());
    }
    return 0;
  }

  /**
   * Scores each method at each of its thresholds; the embeddings' time includes embedding every
   * question once.
   */
  static List<Score> evaluate(
      List<String[]> rows, List<Double> thresholds, List<Double> termsThresholds, PrintStream out) {
    List<String> texts = rows.stream().map(row -> IssueText.summary(row[0])).toList();
    long start = System.nanoTime();
    List<float[]> embeddings = new SentenceEmbedder().embed(texts);
    double embedSeconds = (System.nanoTime() - start) / 1e9;
    out.printf(Locale.ROOT, "embedded in %.1f s%n", embedSeconds);
    List<Issue> issues = new ArrayList<>();
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      String id = "iss_%06d".formatted(i);
      issues.add(new Issue(id, texts.get(i), Instant.ofEpochSecond(i), embeddings.get(i)));
      labels.put(id, rows.get(i)[1]);
    }
    List<Score> scores = new ArrayList<>();
    for (double threshold : thresholds) {
      scores.add(score("embeddings", Method.EMBEDDINGS, threshold, issues, labels, embedSeconds));
    }
    for (double threshold : termsThresholds) {
      scores.add(score("tf-idf", Method.TERMS, threshold, issues, labels, 0));
    }
    return scores;
  }

  private static Score score(
      String name,
      Method method,
      double threshold,
      List<Issue> issues,
      Map<String, String> labels,
      double extraSeconds) {
    long start = System.nanoTime();
    List<Cluster> clusters = IssueClustering.cluster(issues, method, threshold);
    double seconds = (System.nanoTime() - start) / 1e9 + extraSeconds;
    Map<String, String> assigned = new HashMap<>();
    for (Cluster cluster : clusters) {
      cluster.issues().forEach(issue -> assigned.put(issue, cluster.id()));
    }
    List<String> truth = new ArrayList<>();
    List<String> found = new ArrayList<>();
    int unclustered = 0;
    for (Issue issue : issues) {
      truth.add(labels.get(issue.id()));
      String cluster = assigned.get(issue.id());
      if (cluster == null) {
        unclustered++;
        cluster = "alone:" + issue.id();
      }
      found.add(cluster);
    }
    return new Score(
        name,
        threshold,
        clusters.size(),
        unclustered,
        ClusterScores.nmi(truth, found),
        ClusterScores.ari(truth, found),
        seconds);
  }

  private static List<Double> numbers(String list) {
    List<Double> numbers = new ArrayList<>();
    for (String part : list.split(",")) {
      numbers.add(Double.parseDouble(part.strip()));
    }
    return numbers;
  }

  /** The file's rows as {text, label}: the first two columns, after a header. */
  static List<String[]> rows(Path file, String half, int limit) throws IOException {
    if (!half.equals("all") && !half.equals("tune") && !half.equals("test")) {
      throw new IllegalArgumentException("--half is tune, test or all, not " + half);
    }
    CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
    List<String[]> rows = new ArrayList<>();
    try (MappingIterator<String[]> lines =
        mapper.readerFor(String[].class).readValues(Files.newBufferedReader(file))) {
      boolean header = true;
      int index = 0;
      while (lines.hasNext() && rows.size() < limit) {
        String[] line = lines.next();
        if (header) {
          header = false;
          continue;
        }
        if (line.length < 2 || line[0].isBlank() || line[1].isBlank()) {
          continue;
        }
        boolean tuning = index++ % 2 == 0;
        if (half.equals("all") || half.equals("tune") == tuning) {
          rows.add(new String[] {line[0], line[1]});
        }
      }
    }
    return rows;
  }
}
