package dev.scorestream.lab;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.BaselineProfiler;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelMetadata;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.SmokeExample;
import dev.scorestream.model.Task;
import dev.scorestream.schemas.AvroTypes;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.ModelTrainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Model;
import org.tribuo.classification.Label;

/**
 * Turns a model trained outside (XGBoost, ONNX) into a normal model artifact, and refuses it unless
 * scorestream reproduces the notebook's answers.
 *
 * <p>The reference file is the matrix {@code scorer export} wrote (its {@code event_id}, the spec's
 * columns by name, {@code label}) plus what the notebook predicted for each row: {@code prediction}
 * and {@code score_<label>} for every label, in the model's output order. For every row the
 * importer rebuilds the event's fields from the columns, runs it through the stream's own path from
 * the sanitized record on (the feature spec, in the spec's column order, then the model) and
 * compares with the notebook: the same label, every score within the tolerance. The first row that
 * differs is named with both answers. A spec whose columns are in another order than the notebook's
 * matrix therefore fails the gate: the model would read each value as the wrong column.
 *
 * <p>The artifact gets the spec ({@code features.json}), a baseline profile of the reference rows
 * over the spec's fields, the first rows as smoke examples, and, when the reference has labels, an
 * evaluation on its rows.
 */
public final class ModelImporter {

  /** Answers may differ from the notebook's by this much. */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  static final int SMOKE_ROWS = 20;

  /** The imported model disagrees with the notebook, or the reference does not fit the spec. */
  public static final class RefusedException extends RuntimeException {
    RefusedException(String message) {
      super(message);
    }
  }

  private final FeatureExtractor extractor;
  private final Clock clock;

  public ModelImporter(FeatureExtractor extractor, Clock clock) {
    this.extractor = extractor;
    this.clock = clock;
  }

  /**
   * What to import.
   *
   * @param modelFile the notebook's model file (XGBoost JSON or binary, ONNX)
   * @param spec the feature spec the notebook's matrix was exported with
   * @param reference the notebook's reference file ({@link ReferenceFile})
   * @param version the artifact's version, or null for the model's provenance hash
   * @param tolerance how far a score may differ from the notebook's
   */
  public record Request(
      ExternalModels.Kind kind,
      Path modelFile,
      FeatureSpec spec,
      Path reference,
      String name,
      String version,
      double tolerance) {}

  /** Who the imported model is: its name, version, provenance hash, kind and labels. */
  private record Identity(
      String name, String version, String hash, ExternalModels.Kind kind, List<String> labels) {}

  /**
   * Builds the artifact in memory; {@link ModelArtifact#save} writes it.
   *
   * @throws RefusedException naming the first row whose answer differs, or what in the reference
   *     does not fit the spec
   */
  public ModelArtifact importModel(Request request, Consumer<String> log) throws IOException {
    ExternalModels.Kind kind = request.kind();
    Path modelFile = request.modelFile();
    FeatureSpec spec = request.spec();
    Path reference = request.reference();
    double tolerance = request.tolerance();
    ReferenceFile read = ReferenceFile.read(reference, spec);
    List<String> labels = read.labels();
    List<ReferenceFile.Row> rows = read.rows();
    Model<Label> model = ExternalModels.load(kind, modelFile, spec.columnNames(), labels);
    log.accept(
        String.format(
            "loaded %s model %s: %d columns, labels %s; %,d reference rows",
            kind.name().toLowerCase(Locale.ROOT),
            modelFile,
            spec.columns().size(),
            labels,
            rows.size()));
    String hash = ModelArtifact.provenanceHash(model);
    Schema reader = extractor.schema();
    Identity identity =
        new Identity(
            request.name(),
            request.version() == null ? hash.substring(0, 12) : request.version(),
            hash,
            kind,
            labels);
    ModelMetadata draft = metadata(identity, model, rows.size(), null);
    ModelArtifact candidate = new ModelArtifact(null, model, draft, null, List.of(), spec);
    ModelScorer scorer = new ModelScorer(candidate);

    List<GenericRecord> records = new ArrayList<>(rows.size());
    List<String> predicted = new ArrayList<>(rows.size());
    List<SmokeExample> smoke = new ArrayList<>();
    List<LabelledRecord> labelled = new ArrayList<>();
    double worst = 0;
    for (ReferenceFile.Row row : rows) {
      GenericRecord record = rebuild(row, spec, reader);
      checkRebuilt(row, spec, record);
      ScoreResult answer = scorer.score(scorer.example(record, extractor));
      worst =
          Math.max(worst, compare(row, answer, tolerance, spec, read.notebookOrder(), reference));
      records.add(record);
      predicted.add(answer.label());
      if (row.label() != null) {
        labelled.add(new LabelledRecord(record, row.label()));
      }
      if (smoke.size() < SMOKE_ROWS) {
        smoke.add(new SmokeExample(JsonEvents.toJson(record), answer.label(), answer.scores()));
      }
    }
    log.accept(
        String.format(
            "parity: all %,d rows reproduce the notebook's answers (largest difference %.3g, allowed"
                + " %.3g)",
            rows.size(), worst, tolerance));
    BaselineProfile baseline =
        BaselineProfiler.profile(specFields(reader, spec), records, predicted);
    Evaluation evaluation =
        labelled.isEmpty()
            ? null
            : new ModelTrainer(extractor, clock)
                .evaluate(new ModelArtifact(null, model, draft, baseline, smoke, spec), labelled);
    ModelMetadata metadata = metadata(identity, model, rows.size(), evaluation);
    return new ModelArtifact(null, model, metadata, baseline, smoke, spec);
  }

  private ModelMetadata metadata(
      Identity identity, Model<Label> model, int rows, Evaluation evaluation) {
    return new ModelMetadata(
        ModelMetadata.FORMAT_VERSION,
        identity.name(),
        identity.version(),
        clock.instant(),
        identity.hash(),
        extractor.schema().getFullName(),
        ModelArtifact.fingerprint(extractor.schema()),
        identity.kind().name().toLowerCase(Locale.ROOT) + " (imported)",
        Task.CLASSIFICATION.code(),
        "label",
        identity.labels(),
        model.getFeatureIDMap().size(),
        rows,
        evaluation);
  }

  /** An extractor over the spec's fields only: the baseline covers what the model sees. */
  static FeatureExtractor specFields(Schema reader, FeatureSpec spec) {
    java.util.Set<String> used = new java.util.HashSet<>();
    spec.columns().forEach(column -> used.add(column.field().name()));
    Schema copy = new Schema.Parser().parse(reader.toString());
    for (Schema.Field field : copy.getFields()) {
      if (!used.contains(field.name())) {
        field.addProp("feature", false);
      }
    }
    return FeatureExtractor.forSchema(copy);
  }

  /** The event's fields as far as the columns tell them: the spec's fields, the rest null. */
  static GenericRecord rebuild(ReferenceFile.Row row, FeatureSpec spec, Schema reader) {
    GenericRecord record = new GenericData.Record(reader);
    for (FeatureSpec.Column column : spec.columns()) {
      Schema.Field field = column.field();
      double value = row.columns().get(column.name());
      Schema type = AvroTypes.nonNull(field.schema());
      if (column instanceof FeatureSpec.Numeric) {
        // NaN is a missing value; a declared default (say 0) comes back as that value, which the
        // spec turns into the same column
        record.put(field.pos(), Double.isNaN(value) ? null : fieldValue(type, value));
      } else if (column instanceof FeatureSpec.OneHot oneHot && value == 1.0) {
        record.put(
            field.pos(),
            type.getType() == Schema.Type.ENUM
                ? new GenericData.EnumSymbol(type, oneHot.category())
                : oneHot.category());
      }
    }
    // one-hot groups with no 1: a value outside the vocabulary
    for (FeatureSpec.Column column : spec.columns()) {
      if (column instanceof FeatureSpec.OneHot oneHot
          && record.get(column.field().pos()) == null
          && !Double.isNaN(row.columns().get(column.name()))) {
        Schema type = AvroTypes.nonNull(column.field().schema());
        if (type.getType() == Schema.Type.STRING) {
          record.put(column.field().pos(), OUTSIDE_VOCABULARY);
        } else {
          for (String symbol : type.getEnumSymbols()) {
            if (!inVocabulary(spec, column.field(), symbol)) {
              record.put(column.field().pos(), new GenericData.EnumSymbol(type, symbol));
              break;
            }
          }
        }
      }
    }
    return record;
  }

  /** Stands for a category the one-hot vocabulary does not list. */
  static final String OUTSIDE_VOCABULARY = "(outside the vocabulary)";

  private static boolean inVocabulary(FeatureSpec spec, Schema.Field field, String value) {
    return spec.columns().stream()
        .anyMatch(
            c ->
                c instanceof FeatureSpec.OneHot o
                    && o.field().equals(field)
                    && o.category().equals(value));
  }

  private static Object fieldValue(Schema type, double value) {
    return switch (type.getType()) {
      case INT -> (int) value;
      case LONG -> (long) value;
      case FLOAT -> (float) value;
      case BOOLEAN -> value != 0.0;
      default -> value;
    };
  }

  /** The spec must make the reference's own values of the rebuilt event. */
  private static void checkRebuilt(ReferenceFile.Row row, FeatureSpec spec, GenericRecord record) {
    double[] made = spec.vector(record);
    for (int i = 0; i < made.length; i++) {
      String column = spec.columns().get(i).name();
      double expected = row.columns().get(column);
      if (Double.compare(made[i], expected) != 0
          && !(Double.isNaN(made[i]) && Double.isNaN(expected))) {
        throw new RefusedException(
            "line "
                + row.line()
                + (row.eventId().isEmpty() ? "" : " (event " + row.eventId() + ")")
                + ": column '"
                + column
                + "' is "
                + expected
                + " in the reference, but the spec makes "
                + made[i]
                + " of the same event; the reference was not exported with this spec (check its"
                + " one_hot values and missing defaults)");
      }
    }
  }

  private static double compare(
      ReferenceFile.Row row,
      ScoreResult answer,
      double tolerance,
      FeatureSpec spec,
      List<String> notebookOrder,
      Path reference) {
    double worst = 0;
    String problem = null;
    if (!answer.label().equals(row.prediction())) {
      problem = "predicts " + answer.label() + " where the notebook predicted " + row.prediction();
    }
    for (Map.Entry<String, Double> expected : row.scores().entrySet()) {
      Double actual = answer.scores().get(expected.getKey());
      double difference =
          actual == null ? Double.POSITIVE_INFINITY : Math.abs(actual - expected.getValue());
      worst = Math.max(worst, difference);
      if (problem == null && difference > tolerance) {
        problem =
            "scores "
                + expected.getKey()
                + "="
                + actual
                + " where the notebook has "
                + expected.getValue()
                + " (difference "
                + String.format("%.3g", difference)
                + ", allowed "
                + tolerance
                + ")";
      }
    }
    if (problem != null) {
      StringBuilder message =
          new StringBuilder("parity gate: refused. Line ")
              .append(row.line())
              .append(" of ")
              .append(reference)
              .append(row.eventId().isEmpty() ? "" : " (event " + row.eventId() + ")")
              .append(": scorestream ")
              .append(problem)
              .append(". Notebook scores ")
              .append(row.scores())
              .append(", scorestream ")
              .append(answer.scores())
              .append('.');
      if (notebookOrder != null) {
        message
            .append(" The reference's columns are in the order ")
            .append(notebookOrder)
            .append(" but the spec's are ")
            .append(spec.columnNames())
            .append(
                ": the model reads the columns in the spec's order, so it gets them in the"
                    + " wrong places. List the spec's columns in the order the model was trained on.");
      }
      throw new RefusedException(message.toString());
    }
    return worst;
  }
}
