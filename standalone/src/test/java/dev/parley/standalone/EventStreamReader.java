package dev.parley.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A POST whose answer is read as a browser's EventSource reads server-sent events: line by line as
 * the bytes arrive, a frame per blank line, {@code event:} and {@code data:} fields, {@code :}
 * comments. Closing it drops the connection mid-stream.
 */
final class EventStreamReader implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One frame: its event and data, or a comment. */
  record Frame(String event, String data, String comment) {
    JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException("Not JSON: " + data, e);
      }
    }

    @Override
    public String toString() {
      return comment != null ? ": " + comment : "event: " + event + " data: " + data;
    }
  }

  private final HttpResponse<InputStream> response;
  private final BufferedReader reader;
  private final long startNanos;
  private long firstFrameNanos = -1;

  private EventStreamReader(HttpResponse<InputStream> response, long startNanos) {
    this.response = response;
    this.reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    this.startNanos = startNanos;
  }

  static EventStreamReader post(String url, String key, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .header("Authorization", "Bearer " + key)
            .build();
    long start = System.nanoTime();
    try {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      return new EventStreamReader(
          client.send(request, HttpResponse.BodyHandlers.ofInputStream()), start);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  int status() {
    return response.statusCode();
  }

  String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  /** The whole body as text (for an error answer). */
  String text() {
    try {
      return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode json() {
    try {
      return JSON.readTree(text());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Milliseconds from the request to the first frame read. */
  long firstFrameMillis() {
    return (firstFrameNanos - startNanos) / 1_000_000;
  }

  /** The next frame, or null at the end of the stream. */
  Frame next() {
    String event = null;
    StringBuilder data = null;
    String comment = null;
    try {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (event != null || data != null || comment != null) {
            if (firstFrameNanos < 0) {
              firstFrameNanos = System.nanoTime();
            }
            return new Frame(event, data == null ? null : data.toString(), comment);
          }
          continue;
        }
        if (line.startsWith(":")) {
          comment = line.substring(1).strip();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          String value = line.substring(5);
          value = value.startsWith(" ") ? value.substring(1) : value;
          data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The frames up to the end of the stream. */
  List<Frame> rest() {
    List<Frame> frames = new ArrayList<>();
    for (Frame frame = next(); frame != null; frame = next()) {
      frames.add(frame);
    }
    return frames;
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException e) {
      // already gone
    }
  }
}
