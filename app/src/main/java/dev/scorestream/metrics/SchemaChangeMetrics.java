package dev.scorestream.metrics;

import dev.scorestream.codec.WriterCounts;
import dev.scorestream.evolution.Decodability;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.SchemaChangeReport;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.topology.SchemaChangeListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.avro.Schema;

/**
 * The schema-change meters, every series registered at start so dashboards and alerts find them:
 *
 * <ul>
 *   <li>{@code scorer.schema.changes} (decodability, impact, detected.by): changes reported, on the
 *       instance that reported them;
 *   <li>{@code scorer.schema.decoded.events} and {@code scorer.schema.defaulted.events} (field):
 *       events decoded, and of those the ones carrying the field as the reader's default; their
 *       rates' ratio is the share of events a producer's schema change defaulted;
 *   <li>{@code scorer.model.input.field} (field, role): 1 for each reader field the serving model
 *       reads, so an alert can keep to the fields that matter;
 *   <li>{@code scorer.schema.degraded.share.threshold}: {@code schema.changes.degraded.share}, the
 *       share the alert fires above;
 *   <li>{@code scorer.schema.analysis.pending}: changes found and waiting for the registry.
 * </ul>
 */
public final class SchemaChangeMetrics implements SchemaChangeListener {

  private final SchemaUsage usage = new SchemaUsage();
  private final Map<String, Counter> changes = new HashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final MultiGauge modelInputs;
  private final List<String> fields;
  private final Supplier<List<ServingModel>> models;

  /**
   * @param reader the schema events are decoded onto
   * @param models the serving models, read again by {@link #refreshModelInputs}
   * @param degradedShare {@code schema.changes.degraded.share}
   */
  public SchemaChangeMetrics(
      MeterRegistry registry,
      Schema reader,
      Supplier<List<ServingModel>> models,
      double degradedShare) {
    this.models = models;
    this.fields = reader.getFields().stream().map(Schema.Field::name).toList();
    for (Decodability decodability : Decodability.values()) {
      for (boolean affected : new boolean[] {true, false}) {
        for (SchemaChangeRecords.Source source : SchemaChangeRecords.Source.values()) {
          changes.put(
              key(decodability, affected, source),
              Counter.builder("scorer.schema.changes")
                  .description(
                      "New writer schemas reported, by what the decoder does with their events,"
                          + " whether a serving model is affected and what found them")
                  .tag("decodability", decodability.name())
                  .tag("impact", affected ? "affected" : "unaffected")
                  .tag("detected.by", source.name().toLowerCase(Locale.ROOT))
                  .register(registry));
        }
      }
    }
    FunctionCounter.builder("scorer.schema.decoded.events", usage, SchemaUsage::decoded)
        .description("Events decoded, whatever their writer schema")
        .register(registry);
    for (String field : fields) {
      FunctionCounter.builder("scorer.schema.defaulted.events", usage, u -> u.defaulted(field))
          .description(
              "Events decoded with this reader field filled in from its default: their writer"
                  + " schema lacks it")
          .tag("field", field)
          .register(registry);
    }
    Gauge.builder("scorer.schema.degraded.share.threshold", () -> degradedShare)
        .description(
            "schema.changes.degraded.share: the ScorerModelInputDegraded alert's threshold")
        .register(registry);
    Gauge.builder("scorer.schema.analysis.pending", pending, AtomicInteger::get)
        .description("Schema changes found and waiting for the registry before they are reported")
        .register(registry);
    modelInputs =
        MultiGauge.builder("scorer.model.input.field")
            .description("1 for each reader field a serving model reads (by role), else 0")
            .register(registry);
    refreshModelInputs();
  }

  /** What the scoring decoders count decoded events per writer schema into. */
  public WriterCounts usage() {
    return usage;
  }

  @Override
  public void reported(SchemaChangeReport report, SchemaChangeRecords.Detection detection) {
    changes
        .get(
            key(
                report.compatibility().decodability(),
                report.modelAffected(),
                detection.detectedBy()))
        .increment();
  }

  @Override
  public void pending(int changes) {
    pending.set(changes);
  }

  /** Re-reads which fields the serving models read (after a swap). */
  public void refreshModelInputs() {
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    for (ServingModel model : models.get()) {
      String role = model.role().name().toLowerCase(Locale.ROOT);
      for (String field : fields) {
        int reads = model.inputs().inputsOf(field).isEmpty() ? 0 : 1;
        rows.add(MultiGauge.Row.of(Tags.of("field", field, "role", role), reads));
      }
    }
    modelInputs.register(rows, true);
  }

  private static String key(
      Decodability decodability, boolean affected, SchemaChangeRecords.Source source) {
    return decodability + "/" + affected + "/" + source;
  }
}
