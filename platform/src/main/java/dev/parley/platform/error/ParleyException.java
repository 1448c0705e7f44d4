package dev.parley.platform.error;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A failure the caller should hear about: a category, a message safe to show to the caller, and for
 * bad input the offending fields. Mapped to {@code google.rpc.Status} in one place ({@link
 * ErrorStatuses}).
 */
public final class ParleyException extends RuntimeException {
  private final ErrorCode code;
  private final List<FieldViolation> violations;
  private final String body;
  private final Map<String, String> headers;

  public ParleyException(ErrorCode code, String message) {
    this(code, message, List.of());
  }

  public ParleyException(ErrorCode code, String message, List<FieldViolation> violations) {
    this(code, message, violations, null, Map.of());
  }

  private ParleyException(
      ErrorCode code,
      String message,
      List<FieldViolation> violations,
      String body,
      Map<String, String> headers) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
    this.violations = ImmutableList.copyOf(violations);
    this.body = body;
    this.headers = ImmutableMap.copyOf(headers);
  }

  /**
   * This failure answered, through a dialect's front door, with exactly this JSON body instead of
   * the dialect's error envelope: for the vendors' own ad-hoc bodies ({@code {"error": "..."}}).
   * Native callers still see the message and code.
   */
  public ParleyException withBody(String json) {
    return new ParleyException(code, getMessage(), violations, requireNonNull(json), headers);
  }

  /**
   * This failure with an HTTP response header the front doors pass on (one of {@link
   * ErrorStatuses#RESPONSE_HEADERS}: Retry-After and the rate-limit headers).
   */
  public ParleyException withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name.toLowerCase(java.util.Locale.ROOT), value);
    return new ParleyException(code, getMessage(), violations, body, more);
  }

  /** The verbatim dialect body, or null for the dialect's envelope. */
  public String body() {
    return body;
  }

  /** HTTP response headers to pass on, by lower-case name. */
  public Map<String, String> headers() {
    return headers;
  }

  public static ParleyException invalidArgument(String field, String description) {
    return new ParleyException(
        ErrorCode.INVALID_ARGUMENT,
        field + ": " + description,
        List.of(new FieldViolation(field, description)));
  }

  public static ParleyException notFound(String message) {
    return new ParleyException(ErrorCode.NOT_FOUND, message);
  }

  public ErrorCode code() {
    return code;
  }

  public List<FieldViolation> violations() {
    return violations;
  }

  /**
   * One invalid field of a request, named by its path as the caller wrote it, with a short
   * machine-readable reason (Django REST framework's field error codes, which PostHog's front door
   * answers as its {@code code}: {@code required}, {@code null}, {@code blank}, {@code
   * invalid_choice}, {@code max_length}, ..., else {@code invalid}).
   */
  public record FieldViolation(String field, String description, String reason) {
    public FieldViolation {
      requireNonNull(field, "field is null");
      requireNonNull(description, "description is null");
      requireNonNull(reason, "reason is null");
    }

    /** A violation whose reason is read from its description (see {@link #reasonOf}). */
    public FieldViolation(String field, String description) {
      this(field, description, reasonOf(description));
    }

    /**
     * The reason of a description in Django REST framework's words (the messages PostHog's front
     * door answers with), else {@code invalid}.
     */
    static String reasonOf(String description) {
      for (Map.Entry<Pattern, String> known : KNOWN_MESSAGES.entrySet()) {
        if (known.getKey().matcher(description).matches()) {
          return known.getValue();
        }
      }
      return "invalid";
    }

    private static final Map<Pattern, String> KNOWN_MESSAGES =
        ImmutableMap.<Pattern, String>builder()
            .put(Pattern.compile("This field is required\\."), "required")
            .put(Pattern.compile("This field may not be null\\."), "null")
            .put(Pattern.compile("This field may not be blank\\."), "blank")
            .put(Pattern.compile("(?s)\".*\" is not a valid choice\\."), "invalid_choice")
            .put(
                Pattern.compile(
                    "Ensure this field has no more than \\d+ (?:characters?|elements?)\\."),
                "max_length")
            .put(
                Pattern.compile("Ensure this field has at least \\d+ (?:characters?|elements?)\\."),
                "min_length")
            .put(Pattern.compile("Ensure this value is less than or equal to .+\\."), "max_value")
            .put(
                Pattern.compile("Ensure this value is greater than or equal to .+\\."), "min_value")
            .put(Pattern.compile("(?s)Expected a list of items but got type .+"), "not_a_list")
            .put(
                Pattern.compile("(?s)Expected a dictionary of items but got type .+"), "not_a_dict")
            .put(Pattern.compile("This list may not be empty\\."), "empty")
            .buildOrThrow();
  }
}
