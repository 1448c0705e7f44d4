package dev.parley.conversation.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PassagesTest {
  @Test
  void packsParagraphsUpToTheLimitAndKeepsTheirOrder() {
    String text = "First paragraph.\n\nSecond   paragraph,\nwrapped.\n\n\n" + "x ".repeat(400);
    List<String> passages = Passages.split(text, "text/plain");
    assertThat(passages.getFirst()).isEqualTo("First paragraph.\nSecond paragraph, wrapped.");
    assertThat(passages)
        .allSatisfy(p -> assertThat(p.length()).isLessThanOrEqualTo(Passages.MAX_CHARS));
    assertThat(String.join(" ", passages).replaceAll("\\s+", " ").strip())
        .isEqualTo(text.replaceAll("\\s+", " ").strip());
  }

  @Test
  void cutsALongParagraphBetweenSentencesThenWords() {
    String sentence = "This sentence is about resetting passwords in the settings. ";
    List<String> passages = Passages.split(sentence.repeat(30), "text/markdown");
    assertThat(passages).hasSizeGreaterThan(1);
    assertThat(passages).allSatisfy(p -> assertThat(p).endsWith("settings."));
  }

  @Test
  void readsHtmlAsTextWithAParagraphPerBlock() {
    String html =
        "<html><head><style>p {}</style></head><body><h1>Reset</h1>"
            + "<p>Open <b>Settings</b> &amp; Security.</p><script>alert(1)</script></body></html>";
    assertThat(Passages.split(html, "text/html"))
        .containsExactly("Reset\nOpen Settings & Security.");
  }

  @Test
  void blankTextHasNoPassages() {
    assertThat(Passages.split(" \n\n \n", "text/plain")).isEmpty();
  }
}
