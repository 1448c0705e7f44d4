package dev.parley.conversation.domain;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.parley.platform.error.ParleyException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which provider and model answer a model name a client asks for. Configured names map where they
 * say; Bedrock Chat's model names that are not configured map to the default provider and its
 * model; an empty name is the default; any other name is refused, so a typo is never answered by a
 * model nobody chose.
 */
public final class ModelRoutes {
  /** Bedrock Chat's ModelName values (backend/app/routes/schemas/conversation.py). */
  static final Set<String> BEDROCK_MODEL_NAMES =
      ImmutableSet.of(
          "claude-v4-opus",
          "claude-v4.1-opus",
          "claude-v4.5-opus",
          "claude-v4.6-opus",
          "claude-v4.7-opus",
          "claude-v4-sonnet",
          "claude-v4.5-sonnet",
          "claude-v4.6-sonnet",
          "claude-v4.5-haiku",
          "claude-v3.5-sonnet",
          "claude-v3.5-sonnet-v2",
          "claude-v3.7-sonnet",
          "claude-v3.5-haiku",
          "claude-v3-haiku",
          "claude-v3-opus",
          "mistral-7b-instruct",
          "mixtral-8x7b-instruct",
          "mistral-large",
          "mistral-large-2",
          "amazon-nova-pro",
          "amazon-nova-lite",
          "amazon-nova-micro",
          "deepseek-r1",
          "llama3-3-70b-instruct",
          "llama3-2-1b-instruct",
          "llama3-2-3b-instruct",
          "llama3-2-11b-instruct",
          "llama3-2-90b-instruct",
          "gpt-oss-20b",
          "gpt-oss-120b");

  private final Route defaultRoute;
  private final Map<String, Route> configured;

  /** A provider and its model. */
  public record Route(String provider, String model) {
    public Route {
      requireNonNull(provider, "provider is null");
      requireNonNull(model, "model is null");
    }
  }

  public ModelRoutes(Route defaultRoute, Map<String, Route> configured) {
    this.defaultRoute = requireNonNull(defaultRoute, "defaultRoute is null");
    this.configured = ImmutableMap.copyOf(configured);
  }

  /**
   * Reads {@code name=provider:model,...}; {@code name=provider} takes the provider's default model
   * from {@code defaultModels}.
   *
   * @throws IllegalArgumentException when an entry is malformed or names an unknown provider
   */
  public static ModelRoutes parse(
      String spec, String defaultProvider, Map<String, String> defaultModels) {
    if (!defaultModels.containsKey(defaultProvider)) {
      throw new IllegalArgumentException(
          "Unknown provider '" + defaultProvider + "'; known: " + defaultModels.keySet());
    }
    Map<String, Route> routes = new LinkedHashMap<>();
    for (String entry : spec.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      int equals = entry.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("'" + entry.strip() + "' is not name=provider:model");
      }
      String name = entry.substring(0, equals).strip();
      String target = entry.substring(equals + 1).strip();
      int colon = target.indexOf(':');
      String provider = colon < 0 ? target : target.substring(0, colon);
      if (!defaultModels.containsKey(provider)) {
        throw new IllegalArgumentException(
            "'" + entry.strip() + "' names unknown provider '" + provider + "'");
      }
      String model = colon < 0 ? defaultModels.get(provider) : target.substring(colon + 1);
      routes.put(name, new Route(provider, model));
    }
    return new ModelRoutes(new Route(defaultProvider, defaultModels.get(defaultProvider)), routes);
  }

  /** Where a requested name goes; INVALID_ARGUMENT on {@code field} for an unknown one. */
  public Route route(String field, String requested) {
    if (requested == null || requested.isEmpty()) {
      return defaultRoute;
    }
    Route route = configured.get(requested);
    if (route != null) {
      return route;
    }
    if (BEDROCK_MODEL_NAMES.contains(requested)) {
      return defaultRoute;
    }
    throw ParleyException.invalidArgument(
        field,
        "unknown model '"
            + (requested.length() > 64 ? requested.substring(0, 64) + "..." : requested)
            + "'; configure it in PARLEY_ASSISTANT_MODELS");
  }

  public Route defaultRoute() {
    return defaultRoute;
  }
}
