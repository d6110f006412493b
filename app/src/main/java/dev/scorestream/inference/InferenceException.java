package dev.scorestream.inference;

import java.util.List;

/**
 * A V2 request the server cannot answer, with the kind of failure each binding maps to its own
 * status (HTTP status, gRPC code) and, for rejected rows, which rows and why.
 */
public final class InferenceException extends RuntimeException {

  /** What went wrong, with its HTTP status. */
  public enum Kind {
    INVALID_ARGUMENT(400),
    NOT_FOUND(404),
    DEADLINE_EXCEEDED(504),
    UNAVAILABLE(503),
    INTERNAL(500);

    private final int httpStatus;

    Kind(int httpStatus) {
      this.httpStatus = httpStatus;
    }

    public int httpStatus() {
      return httpStatus;
    }
  }

  /**
   * One rejected row: its index in the request (from 0), the reason code (as a dead letter would
   * carry it), the rules it broke and a message naming the fields.
   */
  public record RowError(int row, String reason, List<String> rules, String message) {}

  private final Kind kind;
  private final List<RowError> rows;

  public InferenceException(Kind kind, String message) {
    this(kind, message, List.of());
  }

  public InferenceException(Kind kind, String message, List<RowError> rows) {
    super(message);
    this.kind = kind;
    this.rows = List.copyOf(rows);
  }

  public Kind kind() {
    return kind;
  }

  /** The rejected rows, empty when the request failed for another reason. */
  public List<RowError> rows() {
    return rows;
  }
}
