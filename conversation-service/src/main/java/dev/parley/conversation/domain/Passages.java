package dev.parley.conversation.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;

/**
 * Splits a document's text into the passages retrieval ranks and answers quote: paragraphs packed
 * up to {@link #MAX_CHARS} characters, a longer paragraph cut between sentences (between words when
 * a sentence alone is longer). HTML documents are read as text first (jsoup).
 */
public final class Passages {
  /** The longest passage; about a hundred words, what a sentence-embedding model reads whole. */
  public static final int MAX_CHARS = 700;

  private static final Pattern PARAGRAPHS = Pattern.compile("\\n\\s*\\n");
  private static final Pattern SENTENCES = Pattern.compile("(?<=[.!?])\\s+");

  private Passages() {}

  public static List<String> split(String content, String contentType) {
    String text = contentType.equals("text/html") ? htmlText(content) : content;
    List<String> pieces = new ArrayList<>();
    for (String paragraph : PARAGRAPHS.split(text)) {
      String clean = paragraph.strip().replaceAll("\\s+", " ");
      if (clean.isEmpty()) {
        continue;
      }
      if (clean.length() <= MAX_CHARS) {
        pieces.add(clean);
        continue;
      }
      for (String sentence : SENTENCES.split(clean)) {
        for (int start = 0; start < sentence.length(); ) {
          int end = Math.min(sentence.length(), start + MAX_CHARS);
          if (end < sentence.length()) {
            int space = sentence.lastIndexOf(' ', end);
            end = space > start ? space : end;
          }
          pieces.add(sentence.substring(start, end).strip());
          start = end;
        }
      }
    }
    // Pack consecutive small pieces together, up to the limit.
    List<String> passages = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String piece : pieces) {
      if (!current.isEmpty() && current.length() + 1 + piece.length() > MAX_CHARS) {
        passages.add(current.toString());
        current.setLength(0);
      }
      current.append(current.isEmpty() ? "" : "\n").append(piece);
    }
    if (!current.isEmpty()) {
      passages.add(current.toString());
    }
    return passages;
  }

  /** The text of an HTML document, a paragraph break after each block element. */
  private static String htmlText(String html) {
    var document = Jsoup.parse(html);
    document.select("script, style").remove();
    document.select("br").after("\n");
    document.select("p, div, li, h1, h2, h3, h4, h5, h6, tr, pre, blockquote").append("\n\n");
    return document.wholeText();
  }
}
