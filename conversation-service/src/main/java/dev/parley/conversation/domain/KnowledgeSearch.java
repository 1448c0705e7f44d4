package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.parley.conversation.domain.KnowledgeStore.EmbeddedPassage;
import dev.parley.conversation.domain.KnowledgeStore.Passage;
import dev.parley.platform.error.ParleyException;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private record Vectors(long version, List<EmbeddedPassage> passages) {
    int bytes() {
      long total = 64;
      for (EmbeddedPassage passage : passages) {
        total += 64 + (long) passage.embedding().length * Float.BYTES;
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

  private record Scored(EmbeddedPassage passage, double similarity) {}

  /** The tenant's embedded passages nearest the query's meaning, nearest first. */
  private List<Scored> nearest(String tenantId, String query) {
    List<EmbeddedPassage> passages = embeddedPassages(tenantId);
    if (passages.isEmpty()) {
      return List.of();
    }
    float[] target = embedder.embed(List.of(query)).getFirst();
    if (cosine(target, target) == 0) {
      return List.of(); // a query the model cannot read ranks by its words alone
    }
    return passages.stream()
        .map(passage -> new Scored(passage, cosine(target, passage.embedding())))
        .sorted(Comparator.comparingDouble(Scored::similarity).reversed())
        .limit(CANDIDATES)
        .toList();
  }

  /** The tenant's embedded passages: the kept copy while the stored version has not moved. */
  private List<EmbeddedPassage> embeddedPassages(String tenantId) {
    long version = store.version(tenantId);
    Vectors cached = vectors.getIfPresent(tenantId);
    if (cached != null && cached.version() == version) {
      return cached.passages();
    }
    // Read after the version: what is loaded is at least as new as the version it is kept under.
    List<EmbeddedPassage> loaded = store.embeddedPassages(tenantId);
    vectors.put(tenantId, new Vectors(version, loaded));
    return loaded;
  }

  private static double fused(int rank) {
    return 1.0 / (FUSION_K + rank + 1);
  }

  private static String key(String documentId, int ordinal) {
    return documentId + "#" + ordinal;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double normA = 0;
    double normB = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      normA += a[i] * a[i];
      normB += b[i] * b[i];
    }
    return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
  }
}
