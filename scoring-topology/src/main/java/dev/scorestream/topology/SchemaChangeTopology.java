package dev.scorestream.topology;

import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ServingModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The schema-change part of the scoring topology: sightings on the raw inputs, one task that
 * reports.
 *
 * <pre>
 *   events        (bytes) -> schema-sightings-events  (first record per schema id and task) --+
 *   events.labels (bytes) -> schema-sightings-labels                                          --+
 *     -> [schema-sightings, 1 partition] -> schema-changes (store schema-changes-reported;
 *                                           punctuator: registry answers and poll)
 *     -> schema-changes topic ("subject/id" -> SchemaChange wire-format Avro)
 * </pre>
 */
final class SchemaChangeTopology {

  static final String EVENTS = "events";
  static final String LABELS = "labels";
  static final String STORE = "schema-changes-reported";

  private final StreamsBuilder builder;
  private final ScoringTopology.SchemaChangeSettings settings;
  private final List<KStream<String, byte[]>> sightings = new ArrayList<>();
  private final List<SchemaChangeProcessor.Watched> watched = new ArrayList<>();

  SchemaChangeTopology(StreamsBuilder builder, ScoringTopology.SchemaChangeSettings settings) {
    this.builder = builder;
    this.settings = settings;
  }

  /** Watches the events topic, read as {@code events}. */
  void watchEvents(KStream<Bytes, byte[]> events, String topic) {
    watch(
        events,
        new SchemaChangeProcessor.Watched(
            EVENTS, settings.eventsSubject(), topic, settings.reader(), settings.models()));
  }

  /** Watches the labels topic, read as {@code labels}; the label join is its "model". */
  void watchLabels(KStream<Bytes, byte[]> labels, String topic) {
    watch(
        labels,
        new SchemaChangeProcessor.Watched(
            LABELS,
            settings.labelsSubject(),
            topic,
            Contracts.labelFeedback(),
            () -> List.of(ServingModels.feedback(Contracts.labelFeedback()))));
  }

  private void watch(KStream<Bytes, byte[]> stream, SchemaChangeProcessor.Watched input) {
    sightings.add(
        stream.process(
            () -> new SchemaSightingProcessor(input.role()),
            Named.as("schema-sightings-" + input.role())));
    watched.add(input);
  }

  /** Adds the reporting task and its sink, once every input is watched. */
  void report(String appVersion) {
    KStream<String, byte[]> all = sightings.get(0);
    for (int i = 1; i < sightings.size(); i++) {
      all = all.merge(sightings.get(i), Named.as("schema-sightings-all"));
    }
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()));
    List<SchemaChangeProcessor.Watched> inputs = List.copyOf(watched);
    all.repartition(
            Repartitioned.with(Serdes.String(), Serdes.ByteArray())
                .withName("schema-sightings")
                .withNumberOfPartitions(1))
        .process(
            () -> new SchemaChangeProcessor(settings, appVersion, inputs),
            Named.as("schema-changes"),
            STORE)
        .to(settings.topic(), Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
  }
}
