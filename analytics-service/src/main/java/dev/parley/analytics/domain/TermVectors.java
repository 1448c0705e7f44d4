package dev.parley.analytics.domain;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * TF-IDF vectors of short texts: lower-cased word tokens of three letters or more, English stop
 * words dropped, plurals and common suffixes folded (a light stemmer: "passwords" and "password",
 * "resetting" and "reset", "charged" and "charge" count as one term), term frequency {@code 1 +
 * ln(tf)}, inverse document frequency {@code ln((1 + n) / (1 + df)) + 1}, vectors of length one.
 */
public final class TermVectors {
  private static final Set<String> STOP_WORDS =
      Set.of(
          "the",
          "and",
          "for",
          "are",
          "but",
          "not",
          "you",
          "your",
          "yours",
          "with",
          "this",
          "that",
          "these",
          "those",
          "there",
          "their",
          "they",
          "them",
          "then",
          "than",
          "have",
          "has",
          "had",
          "was",
          "were",
          "been",
          "being",
          "will",
          "would",
          "could",
          "should",
          "can",
          "cannot",
          "can't",
          "does",
          "did",
          "doing",
          "done",
          "from",
          "into",
          "onto",
          "about",
          "what",
          "when",
          "where",
          "which",
          "who",
          "whom",
          "why",
          "how",
          "all",
          "any",
          "some",
          "each",
          "every",
          "our",
          "ours",
          "out",
          "off",
          "over",
          "under",
          "again",
          "just",
          "also",
          "very",
          "too",
          "only",
          "own",
          "same",
          "such",
          "more",
          "most",
          "other",
          "its",
          "it's",
          "i'm",
          "i've",
          "don't",
          "doesn't",
          "didn't",
          "isn't",
          "aren't",
          "wasn't",
          "won't",
          "please",
          "thanks",
          "thank",
          "hello",
          "hi",
          "hey",
          "get",
          "got",
          "getting",
          "use",
          "using",
          "used",
          "want",
          "need",
          "way",
          "one",
          "now",
          "still",
          "even",
          "yet",
          "after",
          "before",
          "while",
          "since",
          "because",
          "here",
          "him",
          "his",
          "her",
          "she",
          "let",
          "make",
          "made",
          "know",
          "tried",
          "try",
          "trying",
          "help",
          "anyone",
          "someone",
          "something",
          "anything",
          "like",
          "see",
          "seems",
          "seem",
          "able",
          "unable",
          "keep",
          "keeps",
          "going",
          "work",
          "works",
          "working",
          "worked",
          "issue",
          "problem",
          "question");

  private final List<String> vocabulary;
  private final Map<String, String> words;
  private final List<Map<Integer, Double>> vectors;

  private TermVectors(
      List<String> vocabulary, Map<String, String> words, List<Map<Integer, Double>> vectors) {
    this.vocabulary = vocabulary;
    this.words = words;
    this.vectors = vectors;
  }

  /** A term with the word it was made from. */
  record Token(String term, String word) {}

  /** The vectors of the texts, in order, over their common vocabulary. */
  public static TermVectors of(List<String> texts) {
    Map<String, Integer> index = new TreeMap<>();
    List<Map<String, Integer>> counts = new ArrayList<>();
    Map<String, Map<String, Integer>> wordCounts = new HashMap<>();
    for (String text : texts) {
      Map<String, Integer> terms = new HashMap<>();
      for (Token token : tokens(text)) {
        terms.merge(token.term(), 1, Integer::sum);
        wordCounts
            .computeIfAbsent(token.term(), t -> new TreeMap<>())
            .merge(token.word(), 1, Integer::sum);
      }
      counts.add(terms);
      terms.keySet().forEach(term -> index.putIfAbsent(term, 0));
    }
    List<String> vocabulary = new ArrayList<>(index.keySet());
    for (int i = 0; i < vocabulary.size(); i++) {
      index.put(vocabulary.get(i), i);
    }
    Map<String, Integer> documentFrequency = new HashMap<>();
    counts.forEach(
        terms -> terms.keySet().forEach(t -> documentFrequency.merge(t, 1, Integer::sum)));
    int n = texts.size();
    List<Map<Integer, Double>> vectors = new ArrayList<>();
    for (Map<String, Integer> terms : counts) {
      Map<Integer, Double> vector = new TreeMap<>();
      double norm = 0;
      for (var term : terms.entrySet()) {
        double weight =
            (1 + Math.log(term.getValue()))
                * (Math.log((1.0 + n) / (1.0 + documentFrequency.get(term.getKey()))) + 1);
        vector.put(index.get(term.getKey()), weight);
        norm += weight * weight;
      }
      double length = Math.sqrt(norm);
      vector.replaceAll((term, weight) -> weight / length);
      vectors.add(vector);
    }
    // Each term is shown as its most frequent word (the shorter, then the first, on a tie).
    Map<String, String> words = new HashMap<>();
    wordCounts.forEach(
        (term, forms) ->
            words.put(
                term,
                forms.entrySet().stream()
                    .max(
                        Map.Entry.<String, Integer>comparingByValue()
                            .thenComparing(entry -> -entry.getKey().length())
                            .thenComparing(Map.Entry.<String, Integer>comparingByKey().reversed()))
                    .orElseThrow()
                    .getKey()));
    return new TermVectors(vocabulary, words, vectors);
  }

  /** The terms of a text, in order, repeated as often as they occur. */
  public static List<String> terms(String text) {
    return tokens(text).stream().map(Token::term).toList();
  }

  private static List<Token> tokens(String text) {
    String folded =
        Normalizer.normalize(text, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}+", "")
            .toLowerCase(Locale.ROOT);
    List<Token> terms = new ArrayList<>();
    for (String word : folded.split("[^\\p{L}\\p{N}']+")) {
      String token = word.replaceAll("^'+|'+$", "");
      if (token.length() < 3
          || STOP_WORDS.contains(token)
          || token.chars().allMatch(Character::isDigit)) {
        continue;
      }
      String stem = stem(token.replace("'", ""));
      if (stem.length() >= 3 && !STOP_WORDS.contains(stem)) {
        terms.add(new Token(stem, token));
      }
    }
    return terms;
  }

  static String stem(String word) {
    String stem = suffixless(word);
    // "charge" and "charged" alike: a final silent e goes too.
    return stem.length() > 4 && stem.endsWith("e") ? stem.substring(0, stem.length() - 1) : stem;
  }

  private static String suffixless(String word) {
    if (word.length() > 5 && word.endsWith("ies")) {
      return word.substring(0, word.length() - 3) + "y";
    }
    if (word.length() > 6 && word.endsWith("ing")) {
      return undouble(word.substring(0, word.length() - 3));
    }
    if (word.length() > 5 && word.endsWith("ed")) {
      return undouble(word.substring(0, word.length() - 2));
    }
    if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us")) {
      return word.substring(0, word.length() - 1);
    }
    return word;
  }

  private static String undouble(String stem) {
    int n = stem.length();
    if (n > 3
        && stem.charAt(n - 1) == stem.charAt(n - 2)
        && "lsz".indexOf(stem.charAt(n - 1)) < 0) {
      return stem.substring(0, n - 1);
    }
    return stem;
  }

  public int size() {
    return vectors.size();
  }

  public Map<Integer, Double> vector(int document) {
    return vectors.get(document);
  }

  public String term(int index) {
    return vocabulary.get(index);
  }

  /** The word a term is shown as: the most frequent word it was made from. */
  public String word(int index) {
    return words.get(vocabulary.get(index));
  }

  /** Cosine similarity of two documents (their vectors have length one). */
  public double similarity(int a, int b) {
    return dot(vectors.get(a), vectors.get(b));
  }

  public static double dot(Map<Integer, Double> a, Map<Integer, Double> b) {
    if (a.size() > b.size()) {
      Map<Integer, Double> swap = a;
      a = b;
      b = swap;
    }
    double sum = 0;
    for (var entry : a.entrySet()) {
      Double other = b.get(entry.getKey());
      if (other != null) {
        sum += entry.getValue() * other;
      }
    }
    return sum;
  }
}
