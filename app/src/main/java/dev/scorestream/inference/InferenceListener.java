package dev.scorestream.inference;

/** Told about every answered inference request, for metrics. Must be thread-safe and quick. */
@FunctionalInterface
public interface InferenceListener {

  /** REST V2 and gRPC, as {@code protocol} names them. */
  String REST_V2 = "rest_v2";

  String GRPC = "grpc";

  /** The outcome of a request that was answered with outputs. */
  String OK = "ok";

  /**
   * @param outcome {@link #OK}, or the failure kind in lower case ({@code invalid_argument}, ...)
   * @param rows rows scored, 0 for a failed request
   */
  void answered(String protocol, String outcome, int rows, long nanos);

  InferenceListener NONE = (protocol, outcome, rows, nanos) -> {};

  /** The outcome name of a failure. */
  static String outcome(InferenceException.Kind kind) {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
