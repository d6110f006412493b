package dev.scorestream.bench;

import dev.scorestream.testkit.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What every part of the benchmark shares: the options, the broker and registry, the model, the
 * generated data, and the report the parts write into.
 */
record BenchContext(
    BenchOptions options,
    Path jar,
    Path work,
    EmbeddedKafka kafka,
    BenchKafka broker,
    String registryUrl,
    Path modelDir,
    Map<Variant.Lab, Path> labModels,
    Path enrichmentSpec,
    int readerId,
    int labelId,
    List<Workload.Event> data,
    List<Workload.Label> labels,
    Report report) {

  static final String INPUT = "bench-events";

  /** The same events keyed by customer id (for {@link Variant#CUSTOMER_KEYED}). */
  static final String INPUT_BY_CUSTOMER = "bench-events-by-customer";

  static final int PARTITIONS = 4;

  long expectedDeadLetters() {
    return data.stream().filter(Workload.Event::malformed).count();
  }

  long expectedPredictions() {
    return data.size() - expectedDeadLetters();
  }

  /** The topics of one pipeline run, created with the partitions the scorer expects. */
  record Topics(
      String events,
      String predictions,
      String deadLetters,
      String drift,
      String labels,
      String performance,
      String training) {

    static Topics of(String id, String events) {
      String prefix = "bench-" + id + "-";
      return new Topics(
          events,
          prefix + "predictions",
          prefix + "dlq",
          prefix + "drift",
          prefix + "labels",
          prefix + "performance",
          prefix + "training");
    }

    void create(EmbeddedKafka kafka, boolean withEvents) {
      Map<String, Integer> topics =
          new java.util.HashMap<>(
              Map.of(
                  predictions,
                  PARTITIONS,
                  deadLetters,
                  1,
                  drift,
                  1,
                  labels,
                  PARTITIONS,
                  performance,
                  1,
                  training,
                  PARTITIONS));
      if (withEvents) {
        topics.put(events, PARTITIONS);
      }
      kafka.createTopics(topics);
    }
  }

  /** Kafka Streams settings shared by the pipeline and the passthrough. */
  Properties streamsBase(String appId, int threads, String stateId, long commitIntervalMs) {
    Properties props = new Properties();
    props.put("application.id", appId);
    props.put("bootstrap.servers", kafka.bootstrapServers());
    props.put("processing.guarantee", "exactly_once_v2");
    props.put("commit.interval", commitIntervalMs + "ms");
    props.put("num.stream.threads", String.valueOf(threads));
    props.put("state.dir", work.resolve("state-" + stateId).toString());
    return props;
  }

  /** The scorer's configuration for one run of a variant. */
  Properties pipelineConfig(
      Variant variant,
      String appId,
      Topics topics,
      int threads,
      String stateId,
      int httpPort,
      long commitIntervalMs) {
    Properties props = streamsBase(appId, threads, stateId, commitIntervalMs);
    props.put("schema.registry.url", registryUrl);
    props.put(
        "model.dir", (variant.lab == null ? modelDir : labModels.get(variant.lab)).toString());
    props.put("topic.events", topics.events());
    props.put("topic.predictions", topics.predictions());
    props.put("topic.dlq", topics.deadLetters());
    props.put("topic.drift", topics.drift());
    props.put("topic.labels", topics.labels());
    props.put("topic.performance", topics.performance());
    props.put("topic.training", topics.training());
    props.put("http.port", String.valueOf(httpPort));
    props.put("management.port", "0"); // scale runs start two instances
    props.put("grpc.port", "-1"); // scale runs start two instances; the serving run sets its own
    if (variant.entity) {
      props.put(
          "enrichment.spec.path",
          enrichmentSpec
              .resolveSibling(
                  variant.keyedByCustomer
                      ? ReferenceData.CONTEXT_KEYED_FILE
                      : ReferenceData.CONTEXT_FILE)
              .toString());
    } else if (variant.reference) {
      props.put("enrichment.spec.path", enrichmentSpec.toString());
    }
    props.putAll(variant.settings);
    props.putAll(options.pipelineOptions);
    return props;
  }

  static void say(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
    System.out.flush();
  }
}
