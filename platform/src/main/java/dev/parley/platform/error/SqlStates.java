package dev.parley.platform.error;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
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
    if (isTransient(exception) && !state.startsWith("40")) {
      return new ParleyException(ErrorCode.UNAVAILABLE, "The database is unavailable; retry");
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
      case "54000" ->
          new ParleyException(ErrorCode.INVALID_ARGUMENT, "A value is too large to be stored");
      default ->
          // Class 22, data exceptions: a value the database cannot hold (a time out of its
          // range, a malformed number or JSON text); what the caller sent, not a fault of ours.
          state.startsWith("22")
              ? new ParleyException(
                  ErrorCode.INVALID_ARGUMENT,
                  "A value is out of the range the database can store, or malformed")
              : null;
    };
  }

  /**
   * Whether a failure says the database, or the way to it, is away for now (connection lost, server
   * starting or shutting down, out of connections, a serialization conflict) rather than that the
   * work itself is wrong: the same work may succeed when tried again later.
   */
  public static boolean isTransient(Throwable failure) {
    for (Throwable current = failure; current != null; current = current.getCause()) {
      if (current instanceof SQLTransientException
          || current instanceof SQLRecoverableException
          || current instanceof ConnectException) {
        return true;
      }
      String state =
          switch (current) {
            case SQLException sql -> sql.getSQLState();
            case DataAccessException dataAccess -> dataAccess.sqlState();
            default -> null;
          };
      if (state != null
          && (state.startsWith("08")
              || state.startsWith("53")
              || state.startsWith("57P")
              || state.equals("40001")
              || state.equals("40P01"))) {
        return true;
      }
    }
    return false;
  }
}
