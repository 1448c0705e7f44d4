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
 * Groups issues about the same thing, offline and deterministically: TF-IDF vectors of what each
 * conversation's user said, then average-linkage agglomerative clustering on cosine similarity,
 * merging while two groups are at least {@link #THRESHOLD} alike (nearest-neighbour chain, {@code
 * O(n²)}). The result depends only on the set of issues, not on the order they arrived in. Groups
 * of at least two issues become clusters; an issue alike to no other stays unclustered.
 *
 * <p>A cluster is labelled by the three terms that weigh most in its centroid, summarised by the
 * sentence of its issues closest to that centroid, and given an icon from its terms. Its id comes
 * from its earliest issue, so it keeps its id as it grows.
 */
public final class IssueClustering {
  /** How alike two groups must be, on average, to be merged. */
  public static final double THRESHOLD = 0.22;

  /** An issue to cluster. */
  public record Issue(String id, String text, Instant createdAt) {
    public Issue {
      requireNonNull(id, "id is null");
      requireNonNull(text, "text is null");
      requireNonNull(createdAt, "createdAt is null");
    }
  }

  /** A group of issues with its label, summary and icon. */
  public record Cluster(String id, String label, String summary, String icon, List<String> issues) {
    public Cluster {
      issues = ImmutableList.copyOf(issues);
    }
  }

  private IssueClustering() {}

  public static List<Cluster> cluster(List<Issue> unordered) {
    List<Issue> issues = new ArrayList<>(unordered);
    issues.sort(Comparator.comparing(Issue::id));
    int n = issues.size();
    TermVectors vectors = TermVectors.of(issues.stream().map(Issue::text).toList());
    List<List<Integer>> groups = agglomerate(vectors, n);
    List<Cluster> clusters = new ArrayList<>();
    for (List<Integer> group : groups) {
      if (group.size() < 2) {
        continue;
      }
      clusters.add(describe(issues, vectors, group));
    }
    clusters.sort(Comparator.comparing(Cluster::id));
    return clusters;
  }

  /** Average-linkage clustering by nearest-neighbour chains, stopped at the threshold. */
  private static List<List<Integer>> agglomerate(TermVectors vectors, int n) {
    float[][] similarity = new float[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        float value = (float) vectors.similarity(a, b);
        similarity[a][b] = value;
        similarity[b][a] = value;
      }
    }
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
      float bestSimilarity = -1;
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
      if (best < 0 || bestSimilarity < THRESHOLD) {
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

  private static Cluster describe(List<Issue> issues, TermVectors vectors, List<Integer> group) {
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
    String label = String.join(", ", top.stream().map(vectors::word).toList());
    label = label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1);

    Issue earliest =
        group.stream()
            .map(issues::get)
            .min(Comparator.comparing(Issue::createdAt).thenComparing(Issue::id))
            .orElseThrow();
    String summary = representativeSentence(issues, vectors, group, centroid);
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
