package dev.parley.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server that speaks the OpenAI chat-completions streaming protocol ({@code POST
 * /v1/chat/completions} with {@code stream: true}: {@code data:} chunks, a usage chunk, {@code
 * data: [DONE]}), standing in for an endpoint tests cannot reach. What it does depends on the model
 * asked for:
 *
 * <ul>
 *   <li>{@code echo}: "Hello from the model [1]." in five chunks, then usage 12/5;
 *   <li>{@code length}: "This answer stops" and finish_reason {@code length};
 *   <li>{@code slow}: "word " every 100 ms, 300 times; notes when the client closed the stream;
 *   <li>{@code broken}: two chunks, then the connection is cut mid-answer;
 *   <li>{@code flaky}: 429 to every other request, else as {@code echo};
 *   <li>{@code failing}: 500 to every request;
 *   <li>{@code silent}: headers, then nothing for 30 s.
 * </ul>
 *
 * A conversation that cannot choose its model (PostHog's) chooses a behaviour by a tag in its last
 * message instead: {@code #echo}, {@code #silent}, ... win over the model's name.
 */
public final class OpenAiCompatibleServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final Map<String, AtomicInteger> requestsByModel = new ConcurrentHashMap<>();
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger closedByClient = new AtomicInteger();

  private OpenAiCompatibleServer(HttpServer server) {
    this.server = server;
  }

  public static OpenAiCompatibleServer start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      OpenAiCompatibleServer result = new OpenAiCompatibleServer(server);
      server.createContext("/v1/chat/completions", result::handle);
      server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
      server.start();
      return result;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The base URL to configure: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  public int requests(String model) {
    return requestsByModel.getOrDefault(model, new AtomicInteger()).get();
  }

  /** The request bodies received, in order. */
  public List<JsonNode> bodies() {
    return List.copyOf(bodies);
  }

  /** How many streams the client closed before their end. */
  public int closedByClient() {
    return closedByClient.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    bodies.add(body);
    String model = behaviour(body);
    int attempt =
        requestsByModel.computeIfAbsent(model, key -> new AtomicInteger()).incrementAndGet();
    boolean cut = false;
    try {
      switch (model) {
        case "flaky" -> {
          if (attempt % 2 == 1) {
            error(exchange, 429, "Rate limit reached");
            return;
          }
          stream(exchange, model, List.of("Hello", " from", " the", " model", " [1]."), "stop", 0);
        }
        case "failing" -> error(exchange, 500, "The server had an error");
        case "length" -> stream(exchange, model, List.of("This", " answer", " stops"), "length", 0);
        case "slow" -> {
          List<String> words = java.util.Collections.nCopies(300, "word ");
          stream(exchange, model, words, "stop", 100);
        }
        case "broken" -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          OutputStream out = exchange.getResponseBody();
          out.write(chunk(model, "Partial", null));
          out.write(chunk(model, " answer", null));
          out.flush();
          // Cut the connection mid-answer (the server drops a connection whose handler
          // throws): no final chunk, no [DONE].
          cut = true;
          throw new IOException("cut");
        }
        case "silent" -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          exchange.getResponseBody().flush();
          Thread.sleep(30_000);
        }
        default ->
            stream(
                exchange, model, List.of("Hello", " from", " the", " model", " [1]."), "stop", 0);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!cut) {
        exchange.close();
      }
    }
  }

  private static final java.util.regex.Pattern TAG =
      java.util.regex.Pattern.compile("#(echo|slow|silent|length|broken|failing|flaky)\\b");

  /** The model's name, unless the last message names a behaviour by its tag. */
  private static String behaviour(JsonNode body) {
    JsonNode messages = body.path("messages");
    if (messages.isArray() && !messages.isEmpty()) {
      java.util.regex.Matcher tag =
          TAG.matcher(messages.get(messages.size() - 1).path("content").asText());
      if (tag.find()) {
        return tag.group(1);
      }
    }
    return body.path("model").asText();
  }

  private void stream(
      HttpExchange exchange, String model, List<String> pieces, String finish, long pauseMillis)
      throws IOException, InterruptedException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    OutputStream out = exchange.getResponseBody();
    try {
      for (String piece : pieces) {
        out.write(chunk(model, piece, null));
        out.flush();
        if (pauseMillis > 0) {
          Thread.sleep(pauseMillis);
        }
      }
      out.write(chunk(model, null, finish));
      ObjectNode usage = JSON.createObjectNode();
      usage.put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("model", model);
      usage.putArray("choices");
      usage
          .putObject("usage")
          .put("prompt_tokens", 12)
          .put("completion_tokens", pieces.size())
          .put("total_tokens", 12 + pieces.size());
      out.write(
          ("data: " + JSON.writeValueAsString(usage) + "\n\n").getBytes(StandardCharsets.UTF_8));
      out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      closedByClient.incrementAndGet();
      throw e;
    }
  }

  private static byte[] chunk(String model, String content, String finish) throws IOException {
    ObjectNode chunk = JSON.createObjectNode();
    chunk.put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1);
    chunk.put("model", model);
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode delta = choice.putObject("delta");
    if (content != null) {
      delta.put("content", content);
    }
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    return ("data: " + JSON.writeValueAsString(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void error(HttpExchange exchange, int status, String message) throws IOException {
    byte[] body =
        ("{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\"}}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
