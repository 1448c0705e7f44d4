package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * What generates answers: the offline extractive provider, or a chat-completions endpoint. Both get
 * the same prompt (the conversation's turns, the retrieved sources, the text to continue) and
 * stream text as it comes.
 */
public interface AnswerProvider {
  /** The provider's name in configuration and on runs: "local", "openai". */
  String name();

  /**
   * Streams the answer to {@code out}, piece by piece, and returns how it ended. Stops soon after
   * {@code out.cancelled()} turns true (closing whatever request it has open) and reports {@link
   * Run.StopReason#CANCELLED}.
   *
   * @throws ProviderException when the provider fails; text already streamed stays streamed
   */
  Answer answer(Prompt prompt, AnswerStream out);

  /** A title of at most {@code maxLength} characters for the conversation, in its language. */
  String proposeTitle(String model, List<Turn> turns, int maxLength);

  /** One turn of the conversation as the provider sees it. */
  record Turn(Role role, String text) {
    public Turn {
      requireNonNull(role, "role is null");
      requireNonNull(text, "text is null");
    }
  }

  /** Who spoke a turn. */
  enum Role {
    USER,
    ASSISTANT
  }

  /**
   * What to answer: the provider's model, the turns up to the question (the last is the user's),
   * the sources retrieved for it (numbered as they may be cited), the start of the answer when
   * continuing one (empty otherwise), and how many tokens to write at most.
   */
  record Prompt(
      String model, List<Turn> turns, List<Source> sources, String continuation, int maxTokens) {
    public Prompt {
      requireNonNull(model, "model is null");
      turns = ImmutableList.copyOf(turns);
      sources = ImmutableList.copyOf(sources);
      requireNonNull(continuation, "continuation is null");
    }

    /** The question: the last user turn's text. */
    public String question() {
      return turns.reversed().stream()
          .filter(turn -> turn.role() == Role.USER)
          .map(Turn::text)
          .findFirst()
          .orElse("");
    }
  }

  /** Where the answer goes as it is generated. */
  interface AnswerStream {
    void text(String delta);

    boolean cancelled();
  }

  /** How an answer ended, with the token counts when the provider reports them. */
  record Answer(Run.StopReason stopReason, Integer inputTokens, Integer outputTokens) {
    public Answer {
      requireNonNull(stopReason, "stopReason is null");
    }
  }

  /** The provider failed; the message says why, without secrets. */
  final class ProviderException extends RuntimeException {
    public ProviderException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
