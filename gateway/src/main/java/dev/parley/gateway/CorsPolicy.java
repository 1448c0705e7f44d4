package dev.parley.gateway;

import com.google.common.collect.ImmutableList;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.cors.CorsService;
import com.linecorp.armeria.server.cors.CorsServiceBuilder;
import dev.parley.platform.config.ConfigurationException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Which browser origins may call the REST APIs (Bedrock Chat's and PostHog's web apps call them
 * from the browser): {@code PARLEY_CORS_ALLOWED_ORIGINS}, a comma-separated list of origins or
 * {@code *}. Empty (the default) sends no CORS headers, so browsers on other origins are refused.
 * Callers authenticate with a key in a header, never a cookie, so credentials are not allowed and
 * any request header may be sent; the answer's id, rate-limit and location headers are readable.
 * The Envoy front answers the same ({@code envoy.yaml}'s CORS policy).
 */
public record CorsPolicy(List<String> origins) {
  public static final List<HttpMethod> METHODS =
      List.of(
          HttpMethod.GET,
          HttpMethod.HEAD,
          HttpMethod.POST,
          HttpMethod.PUT,
          HttpMethod.PATCH,
          HttpMethod.DELETE);

  /** What a browser may send: the key, the body's type, a request id of its own. */
  public static final List<String> ALLOWED_HEADERS =
      List.of("authorization", "api-key", "content-type", "x-request-id");

  public static final List<String> EXPOSED_HEADERS =
      List.of(
          "x-request-id",
          "location",
          "content-disposition",
          "retry-after",
          "x-ratelimit-limit",
          "x-ratelimit-remaining",
          "x-ratelimit-reset");
  public static final long MAX_AGE_SECONDS = 600;

  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.-]+(:\\d{1,5})?");

  public CorsPolicy {
    origins = ImmutableList.copyOf(origins);
  }

  public static final CorsPolicy NONE = new CorsPolicy(List.of());

  /** The setting's value: origins separated by commas, {@code *}, or empty. */
  public static CorsPolicy parse(String setting) {
    List<String> origins =
        Arrays.stream(setting.split(",")).map(String::strip).filter(o -> !o.isEmpty()).toList();
    for (String origin : origins) {
      if (!origin.equals("*") && !ORIGIN.matcher(origin).matches()) {
        throw new ConfigurationException(
            "PARLEY_CORS_ALLOWED_ORIGINS: '"
                + origin
                + "' is not an origin (scheme://host[:port], no path) or *");
      }
    }
    if (origins.contains("*") && origins.size() > 1) {
      throw new ConfigurationException(
          "PARLEY_CORS_ALLOWED_ORIGINS: * allows every origin; list no others beside it");
    }
    return new CorsPolicy(origins);
  }

  /** The decorator answering preflights and adding CORS headers, or empty when none is allowed. */
  Optional<Function<? super HttpService, CorsService>> decorator() {
    if (origins.isEmpty()) {
      return Optional.empty();
    }
    CorsServiceBuilder builder =
        origins.equals(List.of("*"))
            ? CorsService.builderForAnyOrigin()
            : CorsService.builder(origins);
    return Optional.of(
        builder
            .allowRequestMethods(METHODS)
            .allowRequestHeaders(ALLOWED_HEADERS)
            .exposeHeaders(EXPOSED_HEADERS)
            .maxAge(MAX_AGE_SECONDS)
            .newDecorator());
  }
}
