package dev.parley.analytics.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The issue a conversation raises, told by its user's own words: the title is the conversation's
 * subject or the user's first sentence, the summary the first sentences up to a few hundred
 * characters.
 */
public final class IssueText {
  static final int MAX_TITLE = 120;
  static final int MAX_SUMMARY = 400;
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+|\\n+");
  private static final Pattern MARKUP = Pattern.compile("<[^>]{1,200}>|[*_`#>\\[\\]]");

  private IssueText() {}

  /** The issue of a conversation has an id derived from the conversation's. */
  public static String issueId(String conversationId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("issue\u0000" + conversationId).getBytes(StandardCharsets.UTF_8));
      return "iss_" + HexFormat.of().formatHex(digest, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Plain sentences of Markdown or HTML text, in order, without empty ones. */
  public static List<String> sentences(String text) {
    List<String> sentences = new ArrayList<>();
    for (String part : SENTENCE_END.split(MARKUP.matcher(text).replaceAll(" "))) {
      String sentence = part.strip().replaceAll("\\s+", " ");
      if (!sentence.isEmpty()) {
        sentences.add(sentence);
      }
    }
    return sentences;
  }

  public static String title(String subject, String userText) {
    if (subject != null && !subject.isBlank()) {
      return shorten(subject.strip(), MAX_TITLE);
    }
    List<String> sentences = sentences(userText);
    return shorten(sentences.isEmpty() ? userText.strip() : sentences.getFirst(), MAX_TITLE);
  }

  public static String summary(String userText) {
    StringBuilder summary = new StringBuilder();
    for (String sentence : sentences(userText)) {
      if (!summary.isEmpty() && summary.length() + sentence.length() + 1 > MAX_SUMMARY) {
        break;
      }
      summary.append(summary.isEmpty() ? "" : " ").append(sentence);
    }
    return shorten(summary.toString(), MAX_SUMMARY);
  }

  static String shorten(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int cut = text.lastIndexOf(' ', max - 1);
    return text.substring(0, cut > max / 2 ? cut : max - 1).stripTrailing() + "…";
  }
}
