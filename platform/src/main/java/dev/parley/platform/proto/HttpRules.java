package dev.parley.platform.proto;

import com.google.api.HttpRule;

/** The HTTP method and path template of a {@code google.api.http} rule, whatever its pattern. */
public final class HttpRules {
  private HttpRules() {}

  /** The method in upper case ({@code GET}, ...; a custom pattern's kind as written). */
  public static String verb(HttpRule rule) {
    return switch (rule.getPatternCase()) {
      case GET -> "GET";
      case POST -> "POST";
      case PUT -> "PUT";
      case PATCH -> "PATCH";
      case DELETE -> "DELETE";
      case CUSTOM -> rule.getCustom().getKind();
      case PATTERN_NOT_SET -> throw new IllegalStateException("No pattern on " + rule);
    };
  }

  /** The path template. */
  public static String template(HttpRule rule) {
    return switch (rule.getPatternCase()) {
      case GET -> rule.getGet();
      case POST -> rule.getPost();
      case PUT -> rule.getPut();
      case PATCH -> rule.getPatch();
      case DELETE -> rule.getDelete();
      case CUSTOM -> rule.getCustom().getPath();
      case PATTERN_NOT_SET -> throw new IllegalStateException("No pattern on " + rule);
    };
  }
}
