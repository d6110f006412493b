package dev.scorestream.app;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.enrichment.EnrichmentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Every topic the pipeline a configuration describes reads or writes by name (Kafka Streams' own
 * repartition and changelog topics aside), with what the pipeline needs of each: its partition
 * count relative to the input, its cleanup policy and the records it must take. {@code scorer
 * topics} creates and checks them from this plan, and start-up checks that they exist.
 *
 * @param input the events topic, whose partition count the others follow
 * @param topics the input first, then the others, each once
 */
public record TopicPlan(Topic input, List<Topic> topics) {

  /** How a topic's partition count relates to the input's. */
  public enum Partitions {
    /** The input itself. */
    INPUT,
    /** Must have the input's count (co-partitioned); created with it. */
    COPARTITIONED,
    /** Any count; created with the input's. */
    ANY,
    /** Any count; created with one (a few records, read whole). */
    SINGLE
  }

  /** What a topic's cleanup.policy must be. */
  public enum Cleanup {
    /** compact: the latest record per key is what is read. */
    COMPACT,
    /** not compact: every record is kept. */
    DELETE,
    /** whatever the cluster's default is. */
    ANY
  }

  /**
   * One topic the pipeline uses.
   *
   * @param name the topic
   * @param key the configuration key that names it (or the enrichment spec's table)
   * @param partitions how its partition count relates to the input's
   * @param cleanup the cleanup.policy it needs
   * @param minMessageBytes the smallest max.message.bytes that takes what is written to it, or 0
   * @param why what the requirements are for, said in a problem report
   * @param scorerCreates whether {@code scorer run} creates it itself when it is missing
   */
  public record Topic(
      String name,
      String key,
      Partitions partitions,
      Cleanup cleanup,
      long minMessageBytes,
      String why,
      boolean scorerCreates) {}

  /** The topics of {@code config}'s pipeline; reads its reader schema and enrichment spec. */
  public static TopicPlan of(ScorerConfig config) {
    return of(config, PipelineConfig.enrichment(config, PipelineConfig.readerSchema(config)));
  }

  /** The topics of {@code config}'s pipeline with the reference tables of {@code enrichment}. */
  static TopicPlan of(ScorerConfig config, EnrichmentSpec enrichment) {
    String events = config.getString(ScorerConfig.TOPIC_EVENTS);
    Topic input =
        new Topic(
            events,
            ScorerConfig.TOPIC_EVENTS,
            Partitions.INPUT,
            Cleanup.ANY,
            0,
            "the events scored",
            false);
    List<Topic> topics = new ArrayList<>();
    topics.add(input);
    topics.add(output(config, ScorerConfig.TOPIC_PREDICTIONS, "predictions, keyed as the events"));
    topics.add(
        new Topic(
            config.getString(ScorerConfig.TOPIC_DLQ),
            ScorerConfig.TOPIC_DLQ,
            Partitions.ANY,
            Cleanup.DELETE,
            TopicLimits.MIN_DEAD_LETTER_BYTES,
            "dead letters: compaction would drop some, and a fully degraded one needs "
                + TopicLimits.MIN_DEAD_LETTER_BYTES
                + " bytes",
            false));
    if (config.getBoolean(ScorerConfig.DRIFT_ENABLED)) {
      topics.add(output(config, ScorerConfig.TOPIC_DRIFT, "drift reports"));
    }
    if (config.getBoolean(ScorerConfig.FEEDBACK_ENABLED)) {
      topics.add(
          new Topic(
              config.getString(ScorerConfig.TOPIC_LABELS),
              ScorerConfig.TOPIC_LABELS,
              Partitions.COPARTITIONED,
              Cleanup.ANY,
              0,
              "labels keyed by event id on the input's partition count join their predictions"
                  + " in place; on another count every label takes a repartition topic",
              false));
      topics.add(output(config, ScorerConfig.TOPIC_PERFORMANCE, "performance reports"));
      topics.add(output(config, ScorerConfig.TOPIC_TRAINING, "training examples"));
    }
    if (config.getBoolean(ScorerConfig.SCHEMA_CHANGES_ENABLED)) {
      topics.add(
          new Topic(
              config.getString(ScorerConfig.TOPIC_SCHEMA_CHANGES),
              ScorerConfig.TOPIC_SCHEMA_CHANGES,
              Partitions.SINGLE,
              Cleanup.COMPACT,
              0,
              "one report per schema",
              true));
    }
    for (EnrichmentSpec.Reference reference : enrichment.references()) {
      topics.add(
          new Topic(
              reference.topic(),
              ScorerConfig.ENRICHMENT_SPEC_PATH + ": reference table " + reference.table(),
              Partitions.ANY,
              Cleanup.COMPACT,
              0,
              "a reference table keeps the latest row per key",
              false));
    }
    return new TopicPlan(input, distinct(topics));
  }

  private static Topic output(ScorerConfig config, String key, String what) {
    return new Topic(config.getString(key), key, Partitions.ANY, Cleanup.ANY, 0, what, false);
  }

  /** The first need of each topic name (two keys may name one topic). */
  private static List<Topic> distinct(List<Topic> topics) {
    List<Topic> once = new ArrayList<>();
    for (Topic topic : topics) {
      if (once.stream().noneMatch(seen -> seen.name().equals(topic.name()))) {
        once.add(topic);
      }
    }
    return List.copyOf(once);
  }
}
