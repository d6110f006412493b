package dev.scorestream.model;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.schemas.AvroTypes;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

  /** One reference row: its id, its columns by name, the label and the notebook's answer. */
  record ReferenceRow(
      int line,
      String eventId,
      Map<String, Double> columns,
      String label,
      String prediction,
      Map<String, Double> scores) {}

  /**
   * Builds the artifact in memory; {@link ModelArtifact#save} writes it.
   *
   * @throws RefusedException naming the first row whose answer differs, or what in the reference
   *     does not fit the spec
   */
  public ModelArtifact importModel(
      ExternalModels.Kind kind,
      Path modelFile,
      FeatureSpec spec,
      Path reference,
      String name,
      String version,
      double tolerance,
      Consumer<String> log)
      throws IOException {
    Reference read = readReference(reference, spec);
    List<String> labels = read.labels();
    List<ReferenceRow> rows = read.rows();
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
    ModelMetadata draft =
        metadata(
            name,
            version == null ? hash.substring(0, 12) : version,
            hash,
            kind,
            labels,
            model,
            rows.size(),
            null);
    ModelArtifact candidate = new ModelArtifact(null, model, draft, null, List.of(), spec);
    ModelScorer scorer = new ModelScorer(candidate);

    List<GenericRecord> records = new ArrayList<>(rows.size());
    List<String> predicted = new ArrayList<>(rows.size());
    List<SmokeExample> smoke = new ArrayList<>();
    List<LabelledRecord> labelled = new ArrayList<>();
    double worst = 0;
    for (ReferenceRow row : rows) {
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
    ModelMetadata metadata =
        metadata(draft.name(), draft.version(), hash, kind, labels, model, rows.size(), evaluation);
    return new ModelArtifact(null, model, metadata, baseline, smoke, spec);
  }

  private ModelMetadata metadata(
      String name,
      String version,
      String hash,
      ExternalModels.Kind kind,
      List<String> labels,
      Model<Label> model,
      int rows,
      Evaluation evaluation) {
    return new ModelMetadata(
        ModelMetadata.FORMAT_VERSION,
        name,
        version,
        clock.instant(),
        hash,
        extractor.schema().getFullName(),
        ModelArtifact.fingerprint(extractor.schema()),
        kind.name().toLowerCase(Locale.ROOT) + " (imported)",
        Task.CLASSIFICATION.code(),
        "label",
        labels,
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

  /**
   * A reference file: its rows, the labels in output order, and the notebook's column order when it
   * is not the spec's (null when they agree).
   */
  record Reference(List<ReferenceRow> rows, List<String> labels, List<String> notebookOrder) {}

  private static Reference readReference(Path file, FeatureSpec spec) throws IOException {
    List<String> labels = new ArrayList<>();
    List<String> notebookOrder = null;
    CsvMapper mapper = new CsvMapper();
    List<ReferenceRow> rows = new ArrayList<>();
    try (Reader in = Files.newBufferedReader(file);
        MappingIterator<List<String>> lines =
            mapper
                .readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvSchema.emptySchema())
                .readValues(in)) {
      if (!lines.hasNext()) {
        throw new RefusedException("reference " + file + " is empty");
      }
      List<String> header = lines.next();
      Map<String, Integer> position = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        if (position.put(header.get(i), i) != null) {
          throw new RefusedException(
              "reference " + file + " has the column '" + header.get(i) + "' twice");
        }
      }
      for (String column : header) {
        if (column.startsWith("score_")) {
          labels.add(column.substring("score_".length()));
        }
      }
      if (labels.size() < 2 || !position.containsKey("prediction")) {
        throw new RefusedException(
            "reference "
                + file
                + " needs the notebook's answer per row: a 'prediction' column and score_<label>"
                + " for every label, in the model's output order");
      }
      List<String> missing = new ArrayList<>();
      for (String column : spec.columnNames()) {
        if (!position.containsKey(column)) {
          missing.add(column);
        }
      }
      if (!missing.isEmpty()) {
        throw new RefusedException(
            "reference "
                + file
                + " lacks the spec's columns "
                + missing
                + "; it must hold the matrix scorer export wrote with this spec");
      }
      List<String> matrix = new ArrayList<>(header);
      matrix.removeIf(
          c ->
              c.equals("event_id")
                  || c.equals("label")
                  || c.equals("prediction")
                  || c.startsWith("score_"));
      if (!matrix.equals(spec.columnNames())) {
        notebookOrder = matrix;
      }
      int line = 1;
      while (lines.hasNext()) {
        line++;
        List<String> cells = lines.next();
        if (cells.size() != header.size()) {
          throw new RefusedException(
              "reference "
                  + file
                  + " line "
                  + line
                  + " has "
                  + cells.size()
                  + " cells, the header "
                  + header.size());
        }
        Map<String, Double> columns = new HashMap<>();
        for (String column : spec.columnNames()) {
          columns.put(column, number(cells.get(position.get(column)), file, line, column));
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String label : labels) {
          scores.put(
              label,
              number(cells.get(position.get("score_" + label)), file, line, "score_" + label));
        }
        Integer id = position.get("event_id");
        Integer label = position.get("label");
        rows.add(
            new ReferenceRow(
                line,
                id == null ? "" : cells.get(id),
                columns,
                label == null || cells.get(label).isEmpty() ? null : cells.get(label),
                cells.get(position.get("prediction")),
                scores));
      }
    }
    if (rows.isEmpty()) {
      throw new RefusedException("reference " + file + " has no rows");
    }
    return new Reference(rows, labels, notebookOrder);
  }

  private static double number(String cell, Path file, int line, String column) {
    String text = cell.trim();
    switch (text.toLowerCase(Locale.ROOT)) {
      case "nan":
        return Double.NaN;
      case "inf", "infinity", "+inf":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new RefusedException(
          "reference "
              + file
              + " line "
              + line
              + " column '"
              + column
              + "': '"
              + cell
              + "' is not a number");
    }
  }

  /** The event's fields as far as the columns tell them: the spec's fields, the rest null. */
  static GenericRecord rebuild(ReferenceRow row, FeatureSpec spec, Schema reader) {
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
  private static void checkRebuilt(ReferenceRow row, FeatureSpec spec, GenericRecord record) {
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
      ReferenceRow row,
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
