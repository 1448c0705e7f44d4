package dev.parley.standalone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** What an error answer of each dialect looks like, to check answers of generated requests. */
final class DialectShapes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DialectShapes() {}

  /** Why the answer is not an error in the shape of the path's dialect, or null when it is. */
  static String errorShapeProblem(String path, int status, String contentType, String body) {
    if (body == null || body.isEmpty()) {
      return "empty body";
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      return "not JSON: " + body.substring(0, Math.min(200, body.length()));
    }
    boolean shaped;
    if (path.startsWith("/inkeep/")) {
      shaped =
          contentType != null
              && contentType.startsWith("application/problem+json")
              && json.path("status").asInt() == status
              && json.path("detail").isTextual()
              && json.path("title").isTextual()
              && json.path("error").path("message").isTextual();
    } else if (path.startsWith("/gitbook/")) {
      shaped =
          json.path("error").path("code").asInt() == status
              && json.path("error").path("message").isTextual();
    } else if (path.startsWith("/bedrock/")) {
      // Upstream's {"errors": [...]}, or FastAPI's 422 {"detail": [{type, loc, msg, input}]}.
      JsonNode item = json.path("detail").path(0);
      shaped =
          (json.path("errors").isArray() && json.path("errors").path(0).isTextual())
              || (status == 422
                  && item.path("type").isTextual()
                  && item.path("loc").isArray()
                  && item.path("msg").isTextual()
                  && item.has("input"));
    } else if (path.startsWith("/alli/")) {
      shaped =
          status == 401
              ? json.path("error").path("name").isTextual()
              : json.path("result").isArray() && json.path("errors").isTextual();
    } else if (path.startsWith("/posthog/")) {
      // drf-exceptions-hog's envelope, or the ad-hoc bodies PostHog's views answer themselves
      // ({"error": ...}, {"detail": ...}; see docs/dialects/posthog.md).
      shaped =
          (json.path("type").isTextual()
                  && json.path("code").isTextual()
                  && json.path("detail").isTextual()
                  && json.has("attr"))
              || (json.size() <= 2
                  && (json.path("error").isTextual() || json.path("detail").isTextual()));
    } else {
      shaped = json.path("code").isInt() && json.path("message").isTextual();
    }
    return shaped
        ? null
        : "not the dialect's error shape: " + body.substring(0, Math.min(300, body.length()));
  }
}
