package dev.scorestream.samples;

import dev.scorestream.deadletter.DeadLetterHeaders;
import dev.scorestream.schemas.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Checks a run record by record: every produced event must come out exactly once, as a prediction
 * when it was valid or as a dead letter with the expected reason and the original bytes.
 */
public final class ConservationCheck {

  private final String predictionsTopic;
  private final Map<String, SampleTraffic.Event> produced = new HashMap<>();
  private final Set<String> seen = new HashSet<>();
  private final Map<Reason, Long> expectedByReason = new EnumMap<>(Reason.class);
  private final Map<Reason, Long> actualByReason = new EnumMap<>(Reason.class);
  private long expectedPredictions;
  private long predictions;
  private long deadLetters;
  private long duplicates;
  private long unexpected;
  private long alteredBytes;
  private long wrongOutcome;

  public ConservationCheck(String predictionsTopic) {
    this.predictionsTopic = predictionsTopic;
  }

  public synchronized void produced(SampleTraffic.Event event) {
    produced.put(new String(event.key(), StandardCharsets.UTF_8), event);
    event
        .kind()
        .expected()
        .ifPresentOrElse(
            reason -> expectedByReason.merge(reason, 1L, Long::sum), () -> expectedPredictions++);
  }

  public synchronized void consumed(ConsumerRecord<byte[], byte[]> record) {
    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    SampleTraffic.Event event = produced.get(key);
    if (event == null) {
      unexpected++;
      return;
    }
    if (!seen.add(key)) {
      duplicates++;
    }
    if (record.topic().equals(predictionsTopic)) {
      predictions++;
      if (event.kind().expected().isPresent()) {
        wrongOutcome++;
      }
      return;
    }
    deadLetters++;
    Reason reason = DeadLetterHeaders.reason(record.headers()).orElse(null);
    if (reason != null) {
      actualByReason.merge(reason, 1L, Long::sum);
    }
    if (!Arrays.equals(record.value(), event.value())) {
      alteredBytes++;
    }
    if (event.kind().expected().map(expected -> expected != reason).orElse(true)) {
      wrongOutcome++;
    }
  }

  public synchronized long in() {
    return produced.size();
  }

  public synchronized long out() {
    return predictions + deadLetters;
  }

  public synchronized long predictions() {
    return predictions;
  }

  public synchronized long deadLetters() {
    return deadLetters;
  }

  public synchronized long expectedPredictions() {
    return expectedPredictions;
  }

  public synchronized Map<Reason, Long> expectedByReason() {
    return new EnumMap<>(expectedByReason);
  }

  public synchronized Map<Reason, Long> actualByReason() {
    return new EnumMap<>(actualByReason);
  }

  /** Everything that is wrong, empty when the run conserved every record with the right outcome. */
  public synchronized List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (predictions + deadLetters != produced.size()) {
      problems.add(
          "predictions + dead letters = "
              + (predictions + deadLetters)
              + ", produced "
              + produced.size());
    }
    if (duplicates > 0) {
      problems.add(duplicates + " events came out more than once");
    }
    if (unexpected > 0) {
      problems.add(unexpected + " output records match no produced event");
    }
    if (alteredBytes > 0) {
      problems.add(alteredBytes + " dead letters do not carry the original bytes");
    }
    if (wrongOutcome > 0) {
      problems.add(wrongOutcome + " events had an outcome other than expected");
    }
    if (!expectedByReason.equals(actualByReason)) {
      problems.add("dead letters by reason " + actualByReason + ", expected " + expectedByReason);
    }
    return problems;
  }
}
