package dev.parley.conversation.assistant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.conversation.domain.AnswerProvider.Answer;
import dev.parley.conversation.domain.AnswerProvider.AnswerStream;
import dev.parley.conversation.domain.AnswerProvider.Prompt;
import dev.parley.conversation.domain.AnswerProvider.Role;
import dev.parley.conversation.domain.AnswerProvider.Turn;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The extractive provider: quotes, cites, says when it knows nothing, stops and continues. */
class LocalAnswerProviderTest {
  private final LocalAnswerProvider provider = new LocalAnswerProvider();

  private static final Source REFUNDS =
      new Source(
          1,
          "doc_1",
          "Refund policy",
          "https://help.example.com/refunds",
          "Our shop is open every day. Refunds reach your card within five business days. Contact"
              + " us by chat.",
          0.03,
          true);
  private static final Source SHIPPING =
      new Source(2, "doc_2", "Shipping", null, "Parcels ship from Lyon.", 0.01, false);

  private static String answer(Prompt prompt, int[] tokens) {
    StringBuilder text = new StringBuilder();
    Answer answer =
        new LocalAnswerProvider()
            .answer(
                prompt,
                new AnswerStream() {
                  @Override
                  public void text(String delta) {
                    text.append(delta);
                  }

                  @Override
                  public boolean cancelled() {
                    return false;
                  }
                });
    tokens[0] = answer.outputTokens();
    tokens[1] = answer.stopReason().ordinal();
    return text.toString();
  }

  @Test
  void quotesTheSentencesThatAnswerWithNumberedCitations() {
    int[] tokens = new int[2];
    String text =
        answer(
            new Prompt(
                "extractive",
                List.of(new Turn(Role.USER, "How many days do refunds take to reach my card?")),
                List.of(REFUNDS, SHIPPING),
                "",
                1000),
            tokens);
    assertThat(text)
        .isEqualTo(
            "From the knowledge base:\n\n"
                + "Refunds reach your card within five business days. [1]\n\n"
                + "Sources:\n[1] Refund policy (https://help.example.com/refunds)");
    assertThat(Run.StopReason.values()[tokens[1]]).isEqualTo(Run.StopReason.STOP);
    assertThat(tokens[0]).isEqualTo(text.split("\\s+").length);
  }

  @Test
  void saysPlainlyWhenNothingRelevantWasFound() {
    String text =
        answer(
            new Prompt(
                "extractive",
                List.of(new Turn(Role.USER, "What is the airspeed of a swallow?")),
                List.of(SHIPPING),
                "",
                1000),
            new int[2]);
    assertThat(text).isEqualTo(LocalAnswerProvider.NOTHING_FOUND);
  }

  @Test
  void stopsAtTheTokenLimitAndContinuesWhereItStopped() {
    Prompt first =
        new Prompt(
            "extractive", List.of(new Turn(Role.USER, "refunds card")), List.of(REFUNDS), "", 5);
    int[] tokens = new int[2];
    String start = answer(first, tokens);
    assertThat(tokens[0]).isEqualTo(5);
    assertThat(Run.StopReason.values()[tokens[1]]).isEqualTo(Run.StopReason.LENGTH);
    String rest =
        answer(new Prompt("extractive", first.turns(), first.sources(), start, 1000), new int[2]);
    assertThat(start + rest)
        .isEqualTo(
            answer(new Prompt("extractive", first.turns(), first.sources(), "", 1000), new int[2]));
  }

  @Test
  void proposesTheFirstQuestionCutAtAWord() {
    assertThat(
            provider.proposeTitle(
                "extractive",
                List.of(new Turn(Role.USER, "  ¿Cómo puedo cambiar mi contraseña olvidada?")),
                20))
        .isEqualTo("¿Cómo puedo cambiar")
        .hasSizeLessThanOrEqualTo(20);
    assertThat(
            provider.proposeTitle("extractive", List.of(new Turn(Role.USER, "Refund status?")), 20))
        .isEqualTo("Refund status");
  }
}
