package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

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

  private final KnowledgeStore store;
  private final TextEmbedder embedder;

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
    List<EmbeddedPassage> passages = store.embeddedPassages(tenantId);
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
