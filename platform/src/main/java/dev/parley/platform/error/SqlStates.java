package dev.parley.platform.error;

import org.jooq.exception.DataAccessException;

/** SQLSTATE to error code, in one place. */
public final class SqlStates {
  private SqlStates() {}

  /** The ParleyException for a database failure, or null when it is a bug to report as such. */
  public static ParleyException translate(DataAccessException exception) {
    String state = exception.sqlState();
    if (state == null) {
      return null;
    }
    return switch (state) {
      case "23505" -> new ParleyException(ErrorCode.ALREADY_EXISTS, "The resource already exists");
      case "40001", "40P01" ->
          new ParleyException(ErrorCode.ABORTED, "Conflicting concurrent change; retry");
      case "57014" -> new ParleyException(ErrorCode.DEADLINE_EXCEEDED, "The query took too long");
      case "08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03", "53300" ->
          new ParleyException(ErrorCode.UNAVAILABLE, "The database is unavailable; retry");
      case "22001" ->
          new ParleyException(ErrorCode.INVALID_ARGUMENT, "A value is longer than allowed");
      default -> null;
    };
  }
}
