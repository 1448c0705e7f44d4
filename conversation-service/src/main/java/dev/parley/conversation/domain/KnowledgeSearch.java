package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.conversation.domain.KnowledgeStore.EmbeddedPassage;
import dev.parley.conversation.domain.KnowledgeStore.Passage;
import dev.parley.platform.embedding.TextEmbedder;
import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Hybrid retrieval over a tenant's knowledge: the passages PostgreSQL's full-text search ranks for
 * the query's words, and the passages nearest the query's meaning (cosine of sentence embeddings),
 * fused by reciprocal rank ({@code 1 / (60 + rank)} summed over both lists). A passage not embedded
 * yet is still found by its words; a question that shares no word with the answer is still found by
 * its meaning.
 */
public final class KnowledgeSearch {
  static final int DEFAULT_LIMIT = 5;
  static final int MAX_LIMIT = 50;
  static final int MAX_QUERY = 1000;

  /** How many candidates each ranking contributes before fusion. */
  private static final int CANDIDATES = 50;

  /** Reciprocal-rank fusion's constant: damps the weight of the very first ranks. */
  private static final int FUSION_K = 60;

  /** Memory for tenants' vectors kept between searches (each passage about 1.6 KB). */
  private static final long CACHE_BYTES = 256L * 1024 * 1024;

  private final KnowledgeStore store;
  private final TextEmbedder embedder;

  /**
   * Tenants' embedded passages as of a knowledge version: a search reads the stored version and
   * reloads the vectors when it moved, so no replica ranks with a copy older than the store's.
   */
  private final Cache<String, Vectors> vectors =
      Caffeine.newBuilder()
          .maximumWeight(CACHE_BYTES)
          .<String, Vectors>weigher((tenant, cached) -> cached.bytes())
          .build();

  /** A tenant's embedded passages as of a version, with each vector's length computed once. */
  private record Vectors(long version, List<EmbeddedPassage> passages, double[] norms) {
    static Vectors of(long version, List<EmbeddedPassage> passages) {
      double[] norms = new double[passages.size()];
      for (int i = 0; i < norms.length; i++) {
        float[] vector = passages.get(i).embedding();
        norms[i] = Math.sqrt(dot(vector, vector));
      }
      return new Vectors(version, passages, norms);
    }

    int bytes() {
      long total = 64;
      for (EmbeddedPassage passage : passages) {
        total += 72 + (long) passage.embedding().length * Float.BYTES;
      }
      return (int) Math.min(Integer.MAX_VALUE, total);
    }
  }

  @Inject
  public KnowledgeSearch(KnowledgeStore store, TextEmbedder embedder) {
    this.store = requireNonNull(store, "store is null");
    this.embedder = requireNonNull(embedder, "embedder is null");
  }

  /**
   * A passage and its fused score, with whether its words matched the query and how near its
   * meaning is (cosine; 0 when it is not embedded yet).
   */
  public record Hit(Passage passage, double score, boolean wordMatch, double similarity) {}

  /** The best passages for the query, best first; {@code limit} 0 is the default. */
  public List<Hit> search(String tenantId, String query, int limit) {
    String text = query == null ? "" : query.strip();
    if (text.isEmpty()) {
      throw ParleyException.invalidArgument("query", "is required");
    }
    if (text.length() > MAX_QUERY) {
      throw ParleyException.invalidArgument(
          "query", "must be at most " + MAX_QUERY + " characters");
    }
    int wanted = limit == 0 ? DEFAULT_LIMIT : limit;
    if (wanted < 1 || wanted > MAX_LIMIT) {
      throw ParleyException.invalidArgument("page_size", "must be within 0.." + MAX_LIMIT);
    }
    Map<String, Double> scores = new HashMap<>();
    Map<String, Passage> found = new LinkedHashMap<>();
    Set<String> wordMatches = new HashSet<>();
    List<Passage> byWords = store.searchText(tenantId, text, CANDIDATES);
    for (int rank = 0; rank < byWords.size(); rank++) {
      Passage passage = byWords.get(rank);
      String key = key(passage.documentId(), passage.ordinal());
      found.put(key, passage);
      wordMatches.add(key);
      scores.merge(key, fused(rank), Double::sum);
    }
    Map<String, Double> similarities = new HashMap<>();
    List<Scored> byMeaning = nearest(tenantId, text);
    List<EmbeddedPassage> missing = new ArrayList<>();
    for (int rank = 0; rank < byMeaning.size(); rank++) {
      EmbeddedPassage passage = byMeaning.get(rank).passage();
      String key = key(passage.documentId(), passage.ordinal());
      similarities.put(key, byMeaning.get(rank).similarity());
      scores.merge(key, fused(rank), Double::sum);
      if (!found.containsKey(key)) {
        missing.add(passage);
      }
    }
    for (Passage passage : store.passages(tenantId, missing)) {
      found.put(key(passage.documentId(), passage.ordinal()), passage);
    }
    return found.entrySet().stream()
        .map(
            entry ->
                new Hit(
                    entry.getValue(),
                    scores.get(entry.getKey()),
                    wordMatches.contains(entry.getKey()),
                    similarities.getOrDefault(entry.getKey(), 0.0)))
        .sorted(
            Comparator.comparingDouble(Hit::score)
                .reversed()
                .thenComparing(hit -> hit.passage().documentId())
                .thenComparingInt(hit -> hit.passage().ordinal()))
        .limit(wanted)
        .toList();
  }

  private record Scored(EmbeddedPassage passage, double similarity, int index) {}

  /** Worst first: lower similarity, then (ties) the later passage, which leaves first. */
  private static final Comparator<Scored> WORST_FIRST =
      Comparator.comparingDouble(Scored::similarity)
          .thenComparing(Comparator.comparingInt(Scored::index).reversed());

  /**
   * The tenant's embedded passages nearest the query's meaning, nearest first: the best {@link
   * #CANDIDATES} kept in a bounded heap while the cosines are computed, with the stored vectors'
   * lengths computed once per kept copy.
   */
  private List<Scored> nearest(String tenantId, String query) {
    Vectors tenant = vectors(tenantId);
    if (tenant.passages().isEmpty()) {
      return List.of();
    }
    float[] target = embedder.embed(List.of(query)).getFirst();
    double targetNorm = Math.sqrt(dot(target, target));
    if (targetNorm == 0) {
      return List.of(); // a query the model cannot read ranks by its words alone
    }
    PriorityQueue<Scored> best = new PriorityQueue<>(CANDIDATES + 1, WORST_FIRST);
    for (int i = 0; i < tenant.passages().size(); i++) {
      EmbeddedPassage passage = tenant.passages().get(i);
      double norm = tenant.norms()[i];
      Scored scored =
          new Scored(
              passage, norm == 0 ? 0 : dot(target, passage.embedding()) / (targetNorm * norm), i);
      if (best.size() < CANDIDATES) {
        best.add(scored);
      } else if (WORST_FIRST.compare(scored, best.peek()) > 0) {
        best.poll();
        best.add(scored);
      }
    }
    List<Scored> nearest = new ArrayList<>(best);
    nearest.sort(WORST_FIRST.reversed());
    return nearest;
  }

  /** The tenant's embedded passages: the kept copy while the stored version has not moved. */
  private Vectors vectors(String tenantId) {
    long version = store.version(tenantId);
    Vectors cached = vectors.getIfPresent(tenantId);
    if (cached != null && cached.version() == version) {
      return cached;
    }
    // Read after the version: what is loaded is at least as new as the version it is kept under.
    Vectors loaded = Vectors.of(version, store.embeddedPassages(tenantId));
    vectors.put(tenantId, loaded);
    return loaded;
  }

  private static double fused(int rank) {
    return 1.0 / (FUSION_K + rank + 1);
  }

  private static String key(String documentId, int ordinal) {
    return documentId + "#" + ordinal;
  }

  private static double dot(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }
}
