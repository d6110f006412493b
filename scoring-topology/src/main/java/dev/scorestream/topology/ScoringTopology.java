package dev.scorestream.topology;

import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The scoring topology, a pure function of its settings and collaborators.
 *
 * <pre>
 *   events (Bytes, wire-format Avro bytes)
 *     -> score: decode, sanitize, rules, features, predict      => Outcome
 *     -> split
 *          scored   -> events.predictions (same key, Prediction wire-format bytes)
 *          rejected -> dead-letter headers -> events.dlq (original key, value, headers, timestamp)
 * </pre>
 */
public final class ScoringTopology {

  static final String SCORE = "score";
  static final String DEAD_LETTER = "dead-letter-headers";

  private ScoringTopology() {
  }

  /**
   * @param events input topic
   * @param predictions output topic of scored events
   * @param deadLetters dead-letter topic
   * @param appVersion written into every dead letter
   * @param outageMaxBlock how long a task waits for an unreachable registry before its thread restarts
   * @param streamsConfig the Kafka Streams properties the topology will run with (topology-level settings
   *     such as the processing exception handler are read from them), or null for Kafka's defaults
   */
  public record Settings(Topic<Bytes, byte[]> events, Topic<Bytes, byte[]> predictions,
      Topic<Bytes, byte[]> deadLetters, String appVersion, Duration outageMaxBlock, Properties streamsConfig) {
  }

  /**
   * Per-task codecs: each stream task gets its own decoder (registry-backed, resolving writer schemas onto
   * the reader schema) and its own Prediction encoder (the registered Prediction schema id).
   */
  public record Codecs(Supplier<WireFormatDecoder> decoders, Supplier<WireFormatEncoder> predictionEncoders) {
  }

  public static Topology build(Settings settings, Codecs codecs, EventScorer scorer, PredictionBuilder predictions,
      Health health, Clock clock) {
    return build(settings, codecs, scorer, predictions, health, clock, OutcomeListener.NONE);
  }

  /** As above, reporting every outcome to {@code listener} (metrics). */
  public static Topology build(Settings settings, Codecs codecs, EventScorer scorer, PredictionBuilder predictions,
      Health health, Clock clock, OutcomeListener listener) {
    StreamsBuilder builder = settings.streamsConfig() == null ? new StreamsBuilder()
        : new StreamsBuilder(new TopologyConfig(new StreamsConfig(settings.streamsConfig())));
    KStream<Bytes, Outcome> outcomes = builder.stream(settings.events().name(), settings.events().consumed())
        .processValues(() -> new ScoringProcessor(codecs.decoders().get(), codecs.predictionEncoders().get(), scorer,
            predictions, clock, health, settings.outageMaxBlock(), listener), Named.as(SCORE));

    Map<String, KStream<Bytes, Outcome>> branches = outcomes.split(Named.as("outcome-"))
        .branch((key, outcome) -> outcome instanceof Outcome.Scored, Branched.as("scored"))
        .defaultBranch(Branched.as("rejected"));

    branches.get("outcome-scored")
        .mapValues(outcome -> ((Outcome.Scored) outcome).prediction(), Named.as("prediction-bytes"))
        .to(settings.predictions().name(), settings.predictions().produced());

    branches.get("outcome-rejected")
        .processValues(() -> new DeadLetterProcessor(settings.appVersion(), clock), Named.as(DEAD_LETTER))
        .to(settings.deadLetters().name(), settings.deadLetters().produced());

    return builder.build();
  }
}
