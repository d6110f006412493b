package dev.scorestream.topology;

/**
 * The most bytes one record may take on each output: what the topic's {@code max.message.bytes} and
 * the producer's {@code max.request.size} both accept. The topology checks every record whose size
 * depends on its input against these before writing it, because under exactly-once a write that
 * fails for size fails again on every retry. The app learns the values from the cluster.
 */
public interface OutputLimits {

  /** No limits: for tests and tools that never meet one. */
  OutputLimits UNLIMITED =
      new OutputLimits() {
        @Override
        public long maxRecordBytes(String topic) {
          return Long.MAX_VALUE;
        }

        @Override
        public long maxInternalRecordBytes() {
          return Long.MAX_VALUE;
        }
      };

  /** For a topic the pipeline writes to by name (predictions, dead letters, training examples). */
  long maxRecordBytes(String topic);

  /** For the repartition and changelog topics Kafka Streams creates (broker defaults). */
  long maxInternalRecordBytes();

  /** Asks for fresh values: an output refused a record the limits said would fit. */
  default void refreshSoon() {}
}
