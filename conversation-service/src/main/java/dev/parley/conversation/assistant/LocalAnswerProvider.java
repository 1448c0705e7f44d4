package dev.parley.conversation.assistant;

import dev.parley.conversation.domain.AnswerProvider;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.Source;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The offline provider: it writes nothing of its own. It answers with the relevant passages the run
 * retrieved, each cut to the sentences that share most words with the question and marked with its
 * number ([1], [2], ...), followed by the list of sources; when nothing relevant was retrieved it
 * says so. Deterministic: the same knowledge and question give the same answer. Its "tokens" are
 * words (runs of non-space characters).
 */
public final class LocalAnswerProvider implements AnswerProvider {
  public static final String NAME = "local";
  public static final String MODEL = "extractive";

  static final String NOTHING_FOUND =
      "I could not find anything about this in the knowledge base, so I cannot answer it.";

  /** The answer quotes at most this many passages ... */
  private static final int MAX_QUOTES = 3;

  /** ... of at most this many sentences each. */
  private static final int MAX_SENTENCES = 2;

  private static final int MAX_QUOTE_CHARS = 500;
  private static final Pattern TOKEN = Pattern.compile("\\S+\\s*|\\s+");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Answer answer(Prompt prompt, AnswerStream out) {
    String full = compose(prompt.question(), prompt.sources());
    String remaining =
        full.startsWith(prompt.continuation())
            ? full.substring(prompt.continuation().length())
            : "";
    int written = 0;
    Matcher tokens = TOKEN.matcher(remaining);
    while (tokens.find()) {
      if (out.cancelled()) {
        return new Answer(Run.StopReason.CANCELLED, words(prompt), written);
      }
      if (written == prompt.maxTokens()) {
        return new Answer(Run.StopReason.LENGTH, words(prompt), written);
      }
      out.text(tokens.group());
      if (!tokens.group().isBlank()) {
        written++;
      }
    }
    return new Answer(Run.StopReason.STOP, words(prompt), written);
  }

  /** The whole answer to the question from the sources. */
  static String compose(String question, List<Source> sources) {
    List<Source> relevant = sources.stream().filter(Source::relevant).limit(MAX_QUOTES).toList();
    if (relevant.isEmpty()) {
      return NOTHING_FOUND;
    }
    Set<String> asked = words(question);
    StringBuilder answer = new StringBuilder("From the knowledge base:\n\n");
    for (Source source : relevant) {
      answer
          .append(excerpt(source.text(), asked))
          .append(" [")
          .append(source.number())
          .append("]\n\n");
    }
    answer.append("Sources:");
    for (Source source : relevant) {
      answer.append("\n[").append(source.number()).append("] ").append(source.title());
      if (source.sourceLink() != null && !source.sourceLink().isEmpty()) {
        answer.append(" (").append(source.sourceLink()).append(')');
      }
    }
    return answer.toString();
  }

  /**
   * The passage's sentences that share most words with the question (at most two, in their order),
   * or its first sentences when none shares a word (a passage found by meaning).
   */
  static String excerpt(String passage, Set<String> asked) {
    List<String> sentences = sentences(passage);
    int[] overlaps = new int[sentences.size()];
    List<Integer> byOverlap = new ArrayList<>();
    for (int i = 0; i < sentences.size(); i++) {
      overlaps[i] = overlap(sentences.get(i), asked);
      byOverlap.add(i);
    }
    // Most shared words first; ties in passage order (the sort is stable).
    byOverlap.sort((a, b) -> Integer.compare(overlaps[b], overlaps[a]));
    List<Integer> chosen = new ArrayList<>();
    for (int index : byOverlap) {
      if (chosen.size() == MAX_SENTENCES) {
        break;
      }
      if (chosen.isEmpty() || overlaps[index] > 0) {
        chosen.add(index);
      }
    }
    if (chosen.size() < MAX_SENTENCES && overlaps[chosen.getFirst()] == 0) {
      chosen.clear();
      for (int i = 0; i < Math.min(MAX_SENTENCES, sentences.size()); i++) {
        chosen.add(i);
      }
    }
    chosen.sort(Integer::compare);
    StringBuilder excerpt = new StringBuilder();
    for (int index : chosen) {
      if (!excerpt.isEmpty()) {
        excerpt.append(' ');
      }
      excerpt.append(sentences.get(index));
    }
    String text = excerpt.toString().replaceAll("\\s+", " ").strip();
    if (text.length() > MAX_QUOTE_CHARS) {
      int cut = text.lastIndexOf(' ', MAX_QUOTE_CHARS);
      text = text.substring(0, cut > 0 ? cut : MAX_QUOTE_CHARS) + " …";
    }
    return text;
  }

  private static List<String> sentences(String text) {
    BreakIterator iterator = BreakIterator.getSentenceInstance(Locale.ROOT);
    iterator.setText(text);
    List<String> sentences = new ArrayList<>();
    int start = iterator.first();
    for (int end = iterator.next(); end != BreakIterator.DONE; start = end, end = iterator.next()) {
      String sentence = text.substring(start, end).strip();
      if (!sentence.isEmpty()) {
        sentences.add(sentence);
      }
    }
    if (sentences.isEmpty()) {
      sentences.add(text.strip());
    }
    return sentences;
  }

  private static int overlap(String sentence, Set<String> asked) {
    int shared = 0;
    for (String word : words(sentence)) {
      if (asked.contains(word)) {
        shared++;
      }
    }
    return shared;
  }

  /** The text's words of three letters or more, lower-cased. */
  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    Matcher matcher = WORD.matcher(text);
    while (matcher.find()) {
      if (matcher.group().length() >= 3) {
        words.add(matcher.group().toLowerCase(Locale.ROOT));
      }
    }
    return words;
  }

  private static int words(Prompt prompt) {
    int count = 0;
    for (Turn turn : prompt.turns()) {
      count += turn.text().split("\\s+").length;
    }
    for (Source source : prompt.sources()) {
      count += source.text().split("\\s+").length;
    }
    return count;
  }

  /**
   * The first user message, cut at a word boundary to the length: extractive, so in the
   * conversation's own language.
   */
  @Override
  public String proposeTitle(String model, List<Turn> turns, int maxLength) {
    String first =
        turns.stream()
            .filter(turn -> turn.role() == Role.USER)
            .map(Turn::text)
            .findFirst()
            .orElse("")
            .replaceAll("\\s+", " ")
            .strip();
    first = first.replaceAll("^[\\p{Punct}\\s]+", "");
    if (first.length() > maxLength) {
      int cut = first.lastIndexOf(' ', maxLength);
      first = first.substring(0, cut >= maxLength / 2 ? cut : maxLength);
    }
    return first.replaceAll("[\\p{Punct}\\s]+$", "");
  }
}
