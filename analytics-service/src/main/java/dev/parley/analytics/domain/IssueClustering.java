package dev.parley.analytics.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Groups issues about the same thing, offline and deterministically: average-linkage agglomerative
 * clustering on the cosine similarity of the issues' sentence embeddings (bge-small-en-v1.5, the
 * assistant's retrieval model), merging while two groups are at least {@link #THRESHOLD} alike on
 * average (nearest-neighbour chain, {@code O(n²)}), so that the number of topics is found, not
 * given. The result depends only on the set of issues, not on the order they arrived in. Groups of
 * at least two issues become clusters; an issue alike to no other stays unclustered.
 *
 * <p>{@link Method#TERMS}, TF-IDF vectors of the same words in place of embeddings (at {@link
 * #TERMS_THRESHOLD}), is kept to measure against ({@code ./parley eval clusters}).
 *
 * <p>A cluster is summarised by its most central issue (the one most like the group's mean
 * embedding), labelled by the three terms that weigh most in its TF-IDF centroid in the order that
 * summary says them ("Password reset email"), and given an icon from its terms. Its id comes from
 * its earliest issue, so it keeps its id as it grows.
 */
public final class IssueClustering {
  /**
   * How alike two groups of embeddings must be, on average, to be merged: tuned on one half of
   * Banking77's train split, measured on the other (docs/clusters.md).
   */
  public static final double THRESHOLD = 0.78;

  /** A label made from a summary is cut to this length. */
  static final int MAX_LABEL = 80;

  /** The same for TF-IDF vectors. */
  public static final double TERMS_THRESHOLD = 0.22;

  /** What makes two issues alike. */
  public enum Method {
    /** Cosine similarity of sentence embeddings. */
    EMBEDDINGS,
    /** Cosine similarity of TF-IDF term vectors. */
    TERMS
  }

  /** An issue to cluster, with its sentence embedding. */
  public record Issue(String id, String text, Instant createdAt, float[] embedding) {
    public Issue {
      requireNonNull(id, "id is null");
      requireNonNull(text, "text is null");
      requireNonNull(createdAt, "createdAt is null");
      requireNonNull(embedding, "embedding is null");
    }
  }

  /** A group of issues with its label, summary and icon. */
  public record Cluster(String id, String label, String summary, String icon, List<String> issues) {
    public Cluster {
      issues = ImmutableList.copyOf(issues);
    }
  }

  private IssueClustering() {}

  /** The issues' clusters by their embeddings, at {@link #THRESHOLD}. */
  public static List<Cluster> cluster(List<Issue> issues) {
    return cluster(issues, Method.EMBEDDINGS, THRESHOLD);
  }

  public static List<Cluster> cluster(List<Issue> unordered, Method method, double threshold) {
    List<Issue> issues = new ArrayList<>(unordered);
    issues.sort(Comparator.comparing(Issue::id));
    int n = issues.size();
    TermVectors vectors = TermVectors.of(issues.stream().map(Issue::text).toList());
    float[][] embeddings = method == Method.EMBEDDINGS ? unitVectors(issues) : null;
    float[][] similarity = new float[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        float value =
            embeddings != null
                ? dot(embeddings[a], embeddings[b])
                : (float) vectors.similarity(a, b);
        similarity[a][b] = value;
        similarity[b][a] = value;
      }
    }
    List<List<Integer>> groups = agglomerate(similarity, (float) threshold);
    List<Cluster> clusters = new ArrayList<>();
    for (List<Integer> group : groups) {
      if (group.size() < 2) {
        continue;
      }
      clusters.add(describe(issues, vectors, embeddings, group));
    }
    clusters.sort(Comparator.comparing(Cluster::id));
    return clusters;
  }

  /** The embeddings scaled to length 1 (a zero or missing one stays zero: alike to nothing). */
  private static float[][] unitVectors(List<Issue> issues) {
    int dimension = issues.stream().mapToInt(issue -> issue.embedding().length).max().orElse(0);
    float[][] units = new float[issues.size()][dimension];
    for (int i = 0; i < issues.size(); i++) {
      float[] embedding = issues.get(i).embedding();
      double norm = Math.sqrt(dot(embedding, embedding));
      if (norm > 0 && embedding.length == dimension) {
        for (int d = 0; d < dimension; d++) {
          units[i][d] = (float) (embedding[d] / norm);
        }
      }
    }
    return units;
  }

  private static float dot(float[] a, float[] b) {
    float sum = 0;
    for (int d = 0; d < a.length; d++) {
      sum += a[d] * b[d];
    }
    return sum;
  }

  /** Average-linkage clustering by nearest-neighbour chains, stopped at the threshold. */
  private static List<List<Integer>> agglomerate(float[][] similarity, float threshold) {
    int n = similarity.length;
    boolean[] active = new boolean[n];
    int[] size = new int[n];
    List<List<Integer>> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      active[i] = true;
      size[i] = 1;
      members.add(new ArrayList<>(List.of(i)));
    }
    List<List<Integer>> done = new ArrayList<>();
    int remaining = n;
    int[] chain = new int[n];
    int depth = 0;
    while (remaining > 0) {
      if (depth == 0) {
        for (int i = 0; i < n; i++) {
          if (active[i]) {
            chain[depth++] = i;
            break;
          }
        }
      }
      int a = chain[depth - 1];
      int previous = depth > 1 ? chain[depth - 2] : -1;
      int best = -1;
      float bestSimilarity = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < n; c++) {
        if (c == a || !active[c]) {
          continue;
        }
        float value = similarity[a][c];
        if (value > bestSimilarity || (value == bestSimilarity && c == previous)) {
          best = c;
          bestSimilarity = value;
        }
      }
      if (best < 0 || bestSimilarity < threshold) {
        // Nothing is, or will ever be, alike enough to the groups on the chain: each one's best
        // match is at most this one, and averaging never raises a similarity above its parts.
        for (int i = 0; i < depth; i++) {
          active[chain[i]] = false;
          done.add(members.get(chain[i]));
          remaining--;
        }
        depth = 0;
        continue;
      }
      if (best == previous) {
        depth -= 2;
        int kept = Math.min(a, best);
        int gone = Math.max(a, best);
        for (int c = 0; c < n; c++) {
          if (active[c] && c != kept && c != gone) {
            float merged =
                (size[kept] * similarity[kept][c] + size[gone] * similarity[gone][c])
                    / (size[kept] + size[gone]);
            similarity[kept][c] = merged;
            similarity[c][kept] = merged;
          }
        }
        size[kept] += size[gone];
        members.get(kept).addAll(members.get(gone));
        active[gone] = false;
        remaining--;
      } else {
        chain[depth++] = best;
      }
    }
    return done;
  }

  private static Cluster describe(
      List<Issue> issues, TermVectors vectors, float[][] embeddings, List<Integer> group) {
    Map<Integer, Double> centroid = new HashMap<>();
    for (int member : group) {
      vectors.vector(member).forEach((term, weight) -> centroid.merge(term, weight, Double::sum));
    }
    List<Integer> top =
        centroid.entrySet().stream()
            .sorted(
                Map.Entry.<Integer, Double>comparingByValue()
                    .reversed()
                    .thenComparing(entry -> vectors.term(entry.getKey())))
            .limit(3)
            .map(Map.Entry::getKey)
            .toList();
    Issue earliest =
        group.stream()
            .map(issues::get)
            .min(Comparator.comparing(Issue::createdAt).thenComparing(Issue::id))
            .orElseThrow();
    String summary =
        embeddings != null
            ? centralSentence(issues, embeddings, group)
            : representativeSentence(issues, vectors, group, centroid);
    // The top terms in the order the summary says them ("Password reset email"), the others after.
    List<String> said = TermVectors.terms(summary);
    List<Integer> ordered =
        top.stream()
            .sorted(
                Comparator.comparingInt(
                    term -> {
                      int at = said.indexOf(vectors.term(term));
                      return at < 0 ? Integer.MAX_VALUE : at;
                    }))
            .toList();
    String label = String.join(" ", ordered.stream().map(vectors::word).toList());
    if (label.isEmpty()) {
      // Alike in meaning with no word to show for it (symbols, scripts the terms skip): the
      // summary speaks for the cluster.
      label = IssueText.shorten(summary.isEmpty() ? "Unlabelled questions" : summary, MAX_LABEL);
    }
    label = label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1);
    List<String> ids = group.stream().map(i -> issues.get(i).id()).sorted().toList();
    return new Cluster(
        "cl_" + earliest.id().substring(earliest.id().indexOf('_') + 1),
        label,
        summary,
        ClusterIcons.icon(
            centroid.keySet().stream().sorted().map(vectors::term).toList(),
            top.stream().map(vectors::term).toList()),
        ids);
  }

  /**
   * The first sentence of the group's most central issue: the one whose embedding is most like the
   * group's mean embedding (the smallest id wins a tie).
   */
  private static String centralSentence(
      List<Issue> issues, float[][] embeddings, List<Integer> group) {
    float[] mean = new float[embeddings[group.getFirst()].length];
    for (int member : group) {
      for (int d = 0; d < mean.length; d++) {
        mean[d] += embeddings[member][d];
      }
    }
    int best = -1;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int member :
        group.stream().sorted(Comparator.comparing(i -> issues.get(i).id())).toList()) {
      float score = dot(embeddings[member], mean);
      if (score > bestScore) {
        best = member;
        bestScore = score;
      }
    }
    List<String> sentences = IssueText.sentences(issues.get(best).text());
    return IssueText.shorten(
        sentences.isEmpty() ? issues.get(best).text().strip() : sentences.getFirst(),
        IssueText.MAX_SUMMARY);
  }

  /**
   * The sentence of the group's issues most like the centroid: the sum of its distinct terms'
   * centroid weights over the square root of their number, so that neither a long sentence nor a
   * one-word one wins by its length alone. The first one wins a tie.
   */
  private static String representativeSentence(
      List<Issue> issues, TermVectors vectors, List<Integer> group, Map<Integer, Double> centroid) {
    Map<String, Double> weights = new HashMap<>();
    centroid.forEach((term, weight) -> weights.put(vectors.term(term), weight));
    String best = null;
    double bestScore = -1;
    for (int member :
        group.stream().sorted(Comparator.comparing(i -> issues.get(i).id())).toList()) {
      for (String sentence : IssueText.sentences(issues.get(member).text())) {
        List<String> terms = TermVectors.terms(sentence).stream().distinct().toList();
        if (terms.isEmpty()) {
          continue;
        }
        double score =
            terms.stream().mapToDouble(term -> weights.getOrDefault(term, 0.0)).sum()
                / Math.sqrt(terms.size());
        if (score > bestScore) {
          best = sentence;
          bestScore = score;
        }
      }
    }
    return IssueText.shorten(best == null ? "" : best, IssueText.MAX_SUMMARY);
  }
}
