package dev.parley.conversation.assistant;

import static java.util.Objects.requireNonNull;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import dev.parley.conversation.domain.AnswerProvider;
import dev.parley.conversation.domain.Run;
import dev.parley.conversation.domain.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, llama.cpp server,
 * LiteLLM), through langchain4j's streaming client: the answer streams token by token; a cancel
 * closes the upstream request; a 429 or 5xx before the first token is tried again with backoff (0.5
 * s, 1 s, 2 s); the wait for the first token and between two tokens is bounded by the timeout. The
 * retrieved passages go in the system message, numbered, and the model is asked to cite them as
 * [n].
 */
public final class OpenAiAnswerProvider implements AnswerProvider {
  public static final String NAME = "openai";
  private static final int RETRIES = 3;
  private static final long POLL_MILLIS = 50;

  private final String baseUrl;
  private final String apiKey;
  private final Duration timeout;
  private final Map<String, OpenAiStreamingChatModel> models = new ConcurrentHashMap<>();
  private final RetryPolicy<Answer> retries;

  public OpenAiAnswerProvider(String baseUrl, String apiKey, Duration timeout) {
    this.baseUrl = requireNonNull(baseUrl, "baseUrl is null");
    this.apiKey = requireNonNull(apiKey, "apiKey is null");
    this.timeout = requireNonNull(timeout, "timeout is null");
    this.retries =
        RetryPolicy.<Answer>builder()
            .handleIf(OpenAiAnswerProvider::retriable)
            .withBackoff(Duration.ofMillis(500), Duration.ofSeconds(2))
            .withMaxRetries(RETRIES)
            .build();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Answer answer(Prompt prompt, AnswerStream out) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from(instructions(prompt.sources())));
    for (Turn turn : prompt.turns()) {
      messages.add(
          turn.role() == Role.USER ? UserMessage.from(turn.text()) : AiMessage.from(turn.text()));
    }
    if (!prompt.continuation().isEmpty()) {
      messages.add(AiMessage.from(prompt.continuation()));
      messages.add(
          UserMessage.from(
              "Continue your last answer exactly where it stopped, without repeating any of it."));
    }
    ChatRequest request =
        ChatRequest.builder().messages(messages).maxOutputTokens(prompt.maxTokens()).build();
    try {
      return Failsafe.with(retries).get(() -> stream(model(prompt.model()), request, out));
    } catch (FailsafeException e) {
      throw failure(e.getCause() == null ? e : e.getCause());
    } catch (RuntimeException e) {
      throw failure(e);
    }
  }

  /** One attempt: streams until the end, a cancel, or the timeout. */
  private Answer stream(OpenAiStreamingChatModel model, ChatRequest request, AnswerStream out)
      throws InterruptedException {
    CompletableFuture<Answer> done = new CompletableFuture<>();
    AtomicReference<StreamingHandle> handle = new AtomicReference<>();
    AtomicLong lastToken = new AtomicLong(System.nanoTime());
    model.chat(
        request,
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            handle.set(context.streamingHandle());
            lastToken.set(System.nanoTime());
            if (out.cancelled()) {
              context.streamingHandle().cancel();
              done.complete(new Answer(Run.StopReason.CANCELLED, null, null));
              return;
            }
            if (!done.isDone()) {
              out.text(partial.text());
            }
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {
            TokenUsage usage = response.tokenUsage();
            done.complete(
                new Answer(
                    response.finishReason() == FinishReason.LENGTH
                        ? Run.StopReason.LENGTH
                        : Run.StopReason.STOP,
                    usage == null ? null : usage.inputTokenCount(),
                    usage == null ? null : usage.outputTokenCount()));
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(handle.get() == null ? error : new StreamBroken(error));
          }
        });
    while (true) {
      try {
        return done.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (out.cancelled()) {
          StreamingHandle open = handle.get();
          if (open != null) {
            open.cancel();
          }
          // Without a token yet, the request is closed when its first token comes.
          return new Answer(Run.StopReason.CANCELLED, null, null);
        }
        if (System.nanoTime() - lastToken.get() > timeout.toNanos()) {
          StreamingHandle open = handle.get();
          if (open != null) {
            open.cancel();
          }
          throw new StreamBroken(
              new TimeoutException("no token for " + timeout.toSeconds() + " s"));
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new StreamBroken(e.getCause());
      }
    }
  }

  /** A failure after the first token: never tried again (the text is already out). */
  private static final class StreamBroken extends RuntimeException {
    StreamBroken(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static boolean retriable(Throwable error) {
    if (error instanceof StreamBroken) {
      return false;
    }
    if (error instanceof RetriableException) {
      return true;
    }
    return error instanceof HttpException http
        && (http.statusCode() == 429 || http.statusCode() >= 500);
  }

  private static ProviderException failure(Throwable error) {
    Throwable cause = error instanceof StreamBroken ? error.getCause() : error;
    String what =
        cause instanceof HttpException http
            ? "answered HTTP " + http.statusCode()
            : cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    if (what.length() > 300) {
      what = what.substring(0, 300) + "...";
    }
    return new ProviderException(
        "The OpenAI-compatible endpoint failed"
            + (error instanceof StreamBroken ? " mid-answer" : "")
            + ": "
            + what,
        cause);
  }

  @Override
  public String proposeTitle(String model, List<Turn> turns, int maxLength) {
    StringBuilder conversation = new StringBuilder();
    for (Turn turn : turns.subList(0, Math.min(turns.size(), 6))) {
      conversation.append(turn.role() == Role.USER ? "User: " : "Assistant: ");
      conversation.append(turn.text(), 0, Math.min(turn.text().length(), 1000)).append('\n');
    }
    Prompt prompt =
        new Prompt(
            model,
            List.of(
                new Turn(
                    Role.USER,
                    "Write a title of 15 to "
                        + maxLength
                        + " characters for this conversation, in the language of the"
                        + " conversation. Answer with the title only, without quotes.\n\n"
                        + conversation)),
            List.of(),
            "",
            32);
    StringBuilder title = new StringBuilder();
    answer(
        prompt,
        new AnswerStream() {
          @Override
          public void text(String delta) {
            title.append(delta);
          }

          @Override
          public boolean cancelled() {
            return false;
          }
        });
    return title.toString().strip().replaceAll("^[\"'«“]+|[\"'»”.]+$", "");
  }

  private OpenAiStreamingChatModel model(String name) {
    return models.computeIfAbsent(
        name,
        key ->
            OpenAiStreamingChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey.isEmpty() ? "none" : apiKey)
                .modelName(key)
                .timeout(timeout)
                .build());
  }

  private static String instructions(List<Source> sources) {
    StringBuilder text =
        new StringBuilder(
            "You answer questions from the knowledge base below. Cite the passages you use as"
                + " [n]. If the knowledge base does not answer the question, say so plainly and"
                + " do not invent an answer.\n");
    List<Source> relevant = sources.stream().filter(Source::relevant).toList();
    if (relevant.isEmpty()) {
      text.append("\nThe knowledge base has nothing relevant to this question.");
    }
    for (Source source : relevant) {
      text.append("\n[")
          .append(source.number())
          .append("] ")
          .append(source.title())
          .append('\n')
          .append(source.text())
          .append('\n');
    }
    return text.toString();
  }
}
