package dev.parley.platform.error;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * A failure the caller should hear about: a category, a message safe to show to the caller, and for
 * bad input the offending fields. Mapped to {@code google.rpc.Status} in one place ({@link
 * ErrorStatuses}).
 */
public final class ParleyException extends RuntimeException {
  private final ErrorCode code;
  private final List<FieldViolation> violations;

  public ParleyException(ErrorCode code, String message) {
    this(code, message, List.of());
  }

  public ParleyException(ErrorCode code, String message, List<FieldViolation> violations) {
    super(requireNonNull(message, "message is null"));
    this.code = requireNonNull(code, "code is null");
    this.violations = ImmutableList.copyOf(violations);
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

  /** One invalid field of a request, named by its path as the caller wrote it. */
  public record FieldViolation(String field, String description) {
    public FieldViolation {
      requireNonNull(field, "field is null");
      requireNonNull(description, "description is null");
    }
  }
}
