package dev.parley.conversation.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.conversation.domain.AnswerProvider.Answer;
import dev.parley.conversation.domain.AnswerProvider.AnswerStream;
import dev.parley.conversation.domain.AnswerProvider.Prompt;
import dev.parley.conversation.domain.AnswerProvider.ProviderException;
import dev.parley.conversation.domain.AnswerProvider.Role;
import dev.parley.conversation.domain.AnswerProvider.Turn;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.Source;
import dev.parley.platform.testing.OpenAiCompatibleServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible provider against a local server that speaks the streaming protocol. */
class OpenAiAnswerProviderTest {
  private static OpenAiCompatibleServer server;
  private static OpenAiAnswerProvider provider;

  @BeforeAll
  static void start() {
    server = OpenAiCompatibleServer.start();
    provider = new OpenAiAnswerProvider(server.baseUrl(), "test-key", Duration.ofSeconds(2));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Prompt prompt(String model) {
    return new Prompt(
        model,
        List.of(new Turn(Role.USER, "How long do refunds take?")),
        List.of(
            new Source(1, "doc_1", "Refunds", null, "Refunds take five days.", 1, true),
            new Source(2, "doc_2", "Unrelated", null, "Shipping is free.", 0.5, false)),
        "",
        100);
  }

  /** Collects the streamed text; cancels once it holds {@code cancelAfter} pieces (0: never). */
  private static final class Collected implements AnswerStream {
    final StringBuilder text = new StringBuilder();
    final AtomicBoolean cancel = new AtomicBoolean();
    int pieces;
    final int cancelAfter;

    Collected(int cancelAfter) {
      this.cancelAfter = cancelAfter;
    }

    @Override
    public synchronized void text(String delta) {
      text.append(delta);
      if (++pieces == cancelAfter) {
        cancel.set(true);
      }
    }

    @Override
    public boolean cancelled() {
      return cancel.get();
    }
  }

  @Test
  void streamsTheAnswerWithTokenCountsAndTheSourcesInTheSystemMessage() {
    Collected out = new Collected(0);
    Answer answer = provider.answer(prompt("echo"), out);
    assertThat(out.text).hasToString("Hello from the model [1].");
    assertThat(out.pieces).isEqualTo(5);
    assertThat(answer).isEqualTo(new Answer(Run.StopReason.STOP, 12, 5));
    var request = server.bodies().getLast();
    assertThat(request.path("stream").asBoolean()).isTrue();
    assertThat(request.path("max_tokens").asInt(request.path("max_completion_tokens").asInt()))
        .isEqualTo(100);
    String system = request.path("messages").get(0).path("content").asText();
    assertThat(system).contains("[1] Refunds\nRefunds take five days.").doesNotContain("Shipping");
    assertThat(request.path("messages").get(1).path("content").asText())
        .isEqualTo("How long do refunds take?");
  }

  @Test
  void reportsAnAnswerCutAtTheTokenLimit() {
    Collected out = new Collected(0);
    assertThat(provider.answer(prompt("length"), out).stopReason())
        .isEqualTo(Run.StopReason.LENGTH);
    assertThat(out.text).hasToString("This answer stops");
  }

  @Test
  void triesAgainAfter429BeforeTheFirstToken() {
    int before = server.requests("flaky");
    Collected out = new Collected(0);
    assertThat(provider.answer(prompt("flaky"), out).stopReason()).isEqualTo(Run.StopReason.STOP);
    assertThat(out.text).hasToString("Hello from the model [1].");
    assertThat(server.requests("flaky") - before).isEqualTo(2);
  }

  @Test
  void givesUpAfterRetriesOnServerErrors() {
    int before = server.requests("failing");
    assertThatThrownBy(() -> provider.answer(prompt("failing"), new Collected(0)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("The server had an error");
    assertThat(server.requests("failing") - before).isEqualTo(4); // one try and three retries
  }

  @Test
  void failsAStreamCutMidAnswerWithoutTryingAgain() {
    int before = server.requests("broken");
    Collected out = new Collected(0);
    assertThatThrownBy(() -> provider.answer(prompt("broken"), out))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("mid-answer");
    assertThat(out.text).hasToString("Partial answer");
    assertThat(server.requests("broken") - before).isEqualTo(1);
  }

  @Test
  void cancellingClosesTheUpstreamRequest() throws InterruptedException {
    int closedBefore = server.closedByClient();
    Collected out = new Collected(3);
    long start = System.nanoTime();
    Answer answer = provider.answer(prompt("slow"), out);
    assertThat(answer.stopReason()).isEqualTo(Run.StopReason.CANCELLED);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(out.text.toString()).startsWith("word word word");
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (server.closedByClient() == closedBefore && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.closedByClient()).isGreaterThan(closedBefore);
  }

  @Test
  void timesOutAnEndpointThatSendsNothing() {
    assertThatThrownBy(() -> provider.answer(prompt("silent"), new Collected(0)))
        .isInstanceOf(ProviderException.class)
        .hasMessageContaining("no token for 2 s");
  }

  @Test
  void proposesATitleFromTheModel() {
    assertThat(provider.proposeTitle("echo", List.of(new Turn(Role.USER, "Hi")), 20))
        .isEqualTo("Hello from the model [1]");
  }
}
