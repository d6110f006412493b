package dev.scorestream.topology;

import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.deadletter.RecordSize;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Which input headers travel onto a prediction: all but those whose key starts with one of the
 * excluded prefixes. By default the dead-letter namespaces ({@code __streams.errors.} and {@code
 * scorestream.dlq.}) stay behind, so a producer, or a replayed record, cannot make a prediction
 * look like a dead letter. {@code *} excludes every header.
 */
public record PredictionHeaders(List<String> excludedPrefixes) {

  /** The default: everything except the dead-letter namespaces. */
  public static final PredictionHeaders DEFAULT =
      new PredictionHeaders(List.of(DeadLetterHeaders.STREAMS_PREFIX, DeadLetterHeaders.PREFIX));

  /** Set on a prediction whose input headers were all left out to fit its topic. */
  public static final String HEADERS_OMITTED = "scorestream.prediction.headers.omitted";

  public PredictionHeaders {
    excludedPrefixes = List.copyOf(excludedPrefixes);
  }

  public boolean keeps(String key) {
    for (String prefix : excludedPrefixes) {
      if (prefix.equals("*") || key.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }

  /** The bytes the kept headers will add to the prediction. */
  long keptBytes(Headers headers) {
    long bytes = 0;
    for (Header header : headers) {
      if (keeps(header.key())) {
        bytes += RecordSize.headerBytes(header);
      }
    }
    return bytes;
  }

  /** Removes the headers that do not travel. */
  void apply(Headers headers) {
    for (Header header : headers.toArray()) {
      if (!keeps(header.key())) {
        headers.remove(header.key());
      }
    }
  }
}
