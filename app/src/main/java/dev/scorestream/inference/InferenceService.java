package dev.scorestream.inference;

import dev.scorestream.codec.StrictUtf8;
import dev.scorestream.enrichment.Enricher;
import dev.scorestream.inference.InferenceException.Kind;
import dev.scorestream.inference.InferenceException.RowError;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.Task;
import dev.scorestream.schemas.AvroTypes;
import dev.scorestream.schemas.Reason;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The Open Inference Protocol V2, independent of its binding: which models answer (the champion,
 * and the challenger by its version), their metadata, readiness, and inference.
 *
 * <p>Inference takes one input per reader-schema field (columnar: element {@code i} of every input
 * is row {@code i}) and builds one record per row; each row then goes through the stream's own path
 * (sanitize, rules, features, model), all scorable rows of a request in one batch. An input left
 * out gives every row the field's default (or null), as a missing JSON field does on {@code
 * /v1/score}.
 *
 * <p>A request is answered as a whole: when any row cannot be scored (a value that does not fit its
 * field, a broken rule, no known feature) the request fails with {@link Kind#INVALID_ARGUMENT} and
 * names every such row with its reason and rules; no row is scored partially. Thread-safe.
 */
public final class InferenceService {

  public static final String PREDICTED_LABEL = "predicted_label";
  public static final String SCORES = "scores";
  public static final String MODEL_VERSION = "model_version";

  /** The outputs, in the order they are answered. */
  public static final List<String> OUTPUTS = List.of(PREDICTED_LABEL, SCORES, MODEL_VERSION);

  /** Parameter of the {@code scores} output: the label of each column, as a JSON array. */
  public static final String LABELS_PARAMETER = "labels";

  /** Platform named in model metadata. */
  public static final String PLATFORM = "tribuo";

  /** Row errors spelled out in an error message; all of them are in {@link RowError}s. */
  static final int ROWS_IN_MESSAGE = 10;

  /** A V2 tensor's name, datatype and shape (-1: any size). */
  public record TensorSpec(String name, String datatype, List<Long> shape) {}

  /** A model's V2 metadata. */
  public record ModelInfo(
      String name,
      List<String> versions,
      String platform,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      List<String> labels) {}

  private final Schema reader;
  private final EventScorer scorer;
  private final int maxRows;
  private final BooleanSupplier accepting;
  private final List<TensorSpec> inputs;
  private final Map<String, Schema.Field> fields = new HashMap<>();

  /**
   * @param maxRows the most rows one request may carry
   * @param accepting false once the server stops taking requests (shutting down): not ready
   */
  public InferenceService(
      Schema reader, EventScorer scorer, int maxRows, BooleanSupplier accepting) {
    this.reader = reader;
    this.scorer = scorer;
    this.maxRows = maxRows;
    this.accepting = accepting;
    List<TensorSpec> specs = new ArrayList<>();
    for (Schema.Field field : reader.getFields()) {
      datatype(field.schema())
          .ifPresent(
              datatype -> {
                specs.add(new TensorSpec(field.name(), datatype, List.of(-1L)));
                fields.put(field.name(), field);
              });
    }
    this.inputs = List.copyOf(specs);
  }

  /** The inputs every model takes: the reader-schema fields a V2 datatype can carry. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  public int maxRows() {
    return maxRows;
  }

  /** Live: the process answers. */
  public boolean live() {
    return true;
  }

  /** Ready: a model is loaded and the server takes requests (false while shutting down). */
  public boolean ready() {
    return accepting.getAsBoolean();
  }

  /**
   * The model a request names: {@code name} must be the champion's or the challenger's name; {@code
   * version} empty means the champion (or the challenger when only its name matches), otherwise the
   * champion's or the challenger's version.
   */
  public Optional<ModelScorer> resolve(String name, String version) {
    ActiveModel model = scorer.model();
    ModelScorer champion = model.current();
    ModelScorer challenger = model.challenger().orElse(null);
    List<ModelScorer> serving = new ArrayList<>();
    serving.add(champion);
    if (challenger != null) {
      serving.add(challenger);
    }
    for (ModelScorer candidate : serving) {
      if (candidate.name().equals(name)
          && (version == null || version.isEmpty() || candidate.version().equals(version))) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Ready when the model resolves and the server takes requests. */
  public boolean modelReady(String name, String version) {
    return ready() && resolve(name, version).isPresent();
  }

  /**
   * Metadata of a served model: its serving versions, inputs, outputs.
   *
   * @throws InferenceException NOT_FOUND when the name (and version) is not served
   */
  public ModelInfo metadata(String name, String version) {
    ModelScorer target = require(name, version);
    List<String> versions = new ArrayList<>();
    ActiveModel model = scorer.model();
    if (model.current().name().equals(target.name())) {
      versions.add(model.current().version());
    }
    model
        .challenger()
        .filter(challenger -> challenger.name().equals(target.name()))
        .ifPresent(challenger -> versions.add(challenger.version()));
    List<String> labels = labels(target);
    List<TensorSpec> outputs =
        List.of(
            new TensorSpec(PREDICTED_LABEL, "BYTES", List.of(-1L)),
            new TensorSpec(SCORES, "FP64", List.of(-1L, (long) labels.size())),
            new TensorSpec(MODEL_VERSION, "BYTES", List.of(-1L)));
    return new ModelInfo(target.name(), versions, PLATFORM, inputs, outputs, labels);
  }

  /** The order of a model's score columns: its labels as trained, or {@code value}. */
  static List<String> labels(ModelScorer model) {
    if (model.task() == Task.REGRESSION) {
      return List.of(ModelScorer.VALUE);
    }
    return List.copyOf(model.artifact().metadata().labels());
  }

  private ModelScorer require(String name, String version) {
    return resolve(name, version)
        .orElseThrow(
            () ->
                new InferenceException(
                    Kind.NOT_FOUND,
                    "model '"
                        + name
                        + "'"
                        + (version == null || version.isEmpty() ? "" : " version '" + version + "'")
                        + " is not served; serving "
                        + servingDescription()));
  }

  private String servingDescription() {
    ActiveModel model = scorer.model();
    String champion = model.current().name() + " " + model.current().version() + " (champion)";
    return model
        .challenger()
        .map(c -> champion + ", " + c.name() + " " + c.version() + " (challenger)")
        .orElse(champion);
  }

  /**
   * Scores every row of {@code request}.
   *
   * @param expired checked before scoring: true when the caller's deadline has passed
   * @throws InferenceException for a request that does not fit the inputs (names the input), rows
   *     that cannot be scored (names each row), an unknown model, or a server shutting down
   */
  public InferResult infer(InferRequest request, BooleanSupplier expired) {
    if (!ready()) {
      throw new InferenceException(Kind.UNAVAILABLE, "the server is shutting down");
    }
    ModelScorer target = require(request.modelName(), request.modelVersion());
    List<String> outputs = requestedOutputs(request.outputs());
    List<GenericRecord> records = new ArrayList<>();
    List<RowError> errors = new ArrayList<>();
    assemble(request.inputs(), records, errors);
    if (expired.getAsBoolean()) {
      throw new InferenceException(Kind.DEADLINE_EXCEEDED, "the deadline passed before scoring");
    }
    List<ScoreResult> results = new ArrayList<>(records.size());
    Set<Integer> broken = new HashSet<>();
    errors.forEach(error -> broken.add(error.row()));
    List<GenericRecord> scorable = new ArrayList<>(records.size());
    List<Integer> positions = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      if (!broken.contains(i)) {
        scorable.add(records.get(i));
        positions.add(i);
      }
    }
    List<EventScorer.Evaluated> evaluated;
    try {
      evaluated = scorer.evaluateAll(scorable, target);
    } catch (Enricher.UnavailableException e) {
      throw new InferenceException(Kind.UNAVAILABLE, e.getMessage());
    }
    boolean modelFailed = false;
    for (int j = 0; j < evaluated.size(); j++) {
      if (evaluated.get(j) instanceof EventScorer.Invalid invalid) {
        modelFailed |= invalid.reason() == Reason.SCORING_ERROR;
        errors.add(
            new RowError(
                positions.get(j), invalid.reason().name(), invalid.rules(), invalid.message()));
      }
    }
    if (!errors.isEmpty()) {
      errors.sort((a, b) -> Integer.compare(a.row(), b.row()));
      throw new InferenceException(
          modelFailed ? Kind.INTERNAL : Kind.INVALID_ARGUMENT,
          describe(errors, records.size()),
          errors);
    }
    for (EventScorer.Evaluated answer : evaluated) {
      results.add(((EventScorer.Valid) answer).result());
    }
    return new InferResult(
        target.name(), target.version(), request.id(), labels(target), results, outputs);
  }

  private static List<String> requestedOutputs(List<String> requested) {
    if (requested == null || requested.isEmpty()) {
      return OUTPUTS;
    }
    for (String name : requested) {
      if (!OUTPUTS.contains(name)) {
        throw new InferenceException(
            Kind.INVALID_ARGUMENT, "unknown output '" + name + "'; outputs are " + OUTPUTS);
      }
    }
    return OUTPUTS.stream().filter(requested::contains).toList();
  }

  static String describe(List<RowError> errors, int rows) {
    StringBuilder message =
        new StringBuilder("the request failed as a whole, nothing was scored: ")
            .append(errors.size())
            .append(" of ")
            .append(rows)
            .append(rows == 1 ? " row" : " rows")
            .append(" cannot be scored");
    for (int i = 0; i < Math.min(errors.size(), ROWS_IN_MESSAGE); i++) {
      RowError error = errors.get(i);
      message.append("; row ").append(error.row()).append(": ").append(error.reason());
      if (!error.rules().isEmpty()) {
        message.append(' ').append(error.rules());
      }
      message.append(' ').append(error.message());
    }
    if (errors.size() > ROWS_IN_MESSAGE) {
      message.append("; and ").append(errors.size() - ROWS_IN_MESSAGE).append(" more rows");
    }
    return message.toString();
  }

  /**
   * Builds one record per row from the columns; a value that does not fit its field becomes a row
   * error (reason {@code MALFORMED_EVENT}), a tensor that does not fit the inputs fails the
   * request.
   */
  private void assemble(
      List<InputTensor> tensors, List<GenericRecord> records, List<RowError> errors) {
    if (tensors.isEmpty()) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT,
          "the request has no inputs; inputs are "
              + inputs.stream().map(spec -> spec.name() + " " + spec.datatype()).toList());
    }
    Map<String, InputTensor> byName = new LinkedHashMap<>();
    long rows = -1;
    String first = null;
    for (InputTensor tensor : tensors) {
      Schema.Field field = fields.get(tensor.name());
      if (field == null) {
        throw new InferenceException(
            Kind.INVALID_ARGUMENT,
            "unknown input '"
                + tensor.name()
                + "'; inputs are "
                + inputs.stream().map(TensorSpec::name).toList());
      }
      if (byName.put(tensor.name(), tensor) != null) {
        throw new InferenceException(
            Kind.INVALID_ARGUMENT, "input '" + tensor.name() + "' is given twice");
      }
      long count = checkShape(tensor);
      checkDatatype(tensor, field);
      if (rows < 0) {
        rows = count;
        first = tensor.name();
      } else if (rows != count) {
        throw new InferenceException(
            Kind.INVALID_ARGUMENT,
            "input '"
                + tensor.name()
                + "' has "
                + count
                + " rows but '"
                + first
                + "' has "
                + rows
                + "; every input carries one element per row");
      }
    }
    if (rows == 0) {
      throw new InferenceException(Kind.INVALID_ARGUMENT, "the request has no rows");
    }
    if (rows > maxRows) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT,
          "the request has " + rows + " rows; at most " + maxRows + " (inference.max.rows)");
    }
    for (int row = 0; row < rows; row++) {
      GenericRecord record = new GenericData.Record(reader);
      List<String> problems = new ArrayList<>();
      for (Schema.Field field : reader.getFields()) {
        InputTensor tensor = byName.get(field.name());
        if (tensor == null) {
          record.put(
              field.pos(),
              field.hasDefaultValue() ? GenericData.get().getDefaultValue(field) : null);
          continue;
        }
        Object value = tensor.values().get(row);
        try {
          record.put(field.pos(), convert(field, value));
        } catch (IllegalArgumentException e) {
          problems.add(field.name() + ": " + e.getMessage());
        }
      }
      if (!problems.isEmpty()) {
        errors.add(new RowError(row, "MALFORMED_EVENT", List.of(), String.join("; ", problems)));
      }
      records.add(record);
    }
  }

  /** The number of rows: shape {@code [N]} or {@code [N, 1]}, with N elements. */
  private static long checkShape(InputTensor tensor) {
    long[] shape = tensor.shape();
    boolean fits =
        (shape.length == 1 && shape[0] >= 0)
            || (shape.length == 2 && shape[0] >= 0 && shape[1] == 1);
    if (!fits) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT,
          "input '"
              + tensor.name()
              + "' has shape "
              + java.util.Arrays.toString(shape)
              + "; expected [N] or [N, 1] for N rows");
    }
    if (tensor.values().size() != shape[0]) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT,
          "input '"
              + tensor.name()
              + "' has "
              + tensor.values().size()
              + " elements but its shape "
              + java.util.Arrays.toString(shape)
              + " says "
              + shape[0]);
    }
    return shape[0];
  }

  private static void checkDatatype(InputTensor tensor, Schema.Field field) {
    Schema type = AvroTypes.nonNull(field.schema());
    Set<String> accepted = accepted(type.getType());
    if (!accepted.contains(tensor.datatype())) {
      throw new InferenceException(
          Kind.INVALID_ARGUMENT,
          "input '"
              + tensor.name()
              + "' has datatype "
              + tensor.datatype()
              + "; field "
              + field.name()
              + " ("
              + type.getType().getName()
              + ") takes "
              + datatype(field.schema()).orElseThrow()
              + (accepted.size() > 1 ? " (also " + otherThan(accepted, type) + ")" : ""));
    }
  }

  private static String otherThan(Set<String> accepted, Schema type) {
    String main = datatype(type).orElseThrow();
    return String.join(", ", accepted.stream().filter(d -> !d.equals(main)).sorted().toList());
  }

  private static final Set<String> INTEGERS =
      Set.of("INT8", "INT16", "INT32", "INT64", "UINT8", "UINT16", "UINT32", "UINT64");

  private static Set<String> accepted(Schema.Type type) {
    return switch (type) {
      case BOOLEAN -> Set.of("BOOL");
      case INT, LONG -> INTEGERS;
      case FLOAT, DOUBLE -> {
        Set<String> numbers = new HashSet<>(INTEGERS);
        numbers.add("FP32");
        numbers.add("FP64");
        yield numbers;
      }
      case STRING, ENUM, BYTES -> Set.of("BYTES");
      default -> Set.of();
    };
  }

  /** The V2 datatype of a field, empty for types no V2 tensor carries (records, arrays, maps). */
  public static Optional<String> datatype(Schema schema) {
    return Optional.ofNullable(
        switch (AvroTypes.nonNull(schema).getType()) {
          case BOOLEAN -> "BOOL";
          case INT -> "INT32";
          case LONG -> "INT64";
          case FLOAT -> "FP32";
          case DOUBLE -> "FP64";
          case STRING, ENUM, BYTES -> "BYTES";
          default -> null;
        });
  }

  private static boolean nullable(Schema schema) {
    return schema.getType() == Schema.Type.NULL
        || (schema.getType() == Schema.Type.UNION
            && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
  }

  /** One element as the field's Avro value; throws with the reason when it does not fit. */
  private static Object convert(Schema.Field field, Object value) {
    if (value == null) {
      if (nullable(field.schema())) {
        return null;
      }
      throw new IllegalArgumentException("null, but the field is not nullable");
    }
    Schema type = AvroTypes.nonNull(field.schema());
    return switch (type.getType()) {
      case BOOLEAN -> value;
      case INT -> {
        long number = (Long) value;
        if (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(number + " does not fit a 32-bit int");
        }
        yield (int) number;
      }
      case LONG -> value;
      case FLOAT -> ((Number) value).floatValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case STRING -> {
        byte[] bytes = (byte[]) value;
        yield StrictUtf8.decode(bytes)
            .orElseThrow(() -> new IllegalArgumentException("not well-formed UTF-8"));
      }
      case ENUM -> {
        String symbol =
            StrictUtf8.decode((byte[]) value)
                .orElseThrow(() -> new IllegalArgumentException("not well-formed UTF-8"));
        if (!type.hasEnumSymbol(symbol)) {
          throw new IllegalArgumentException(
              "'" + symbol + "' is not one of " + type.getEnumSymbols());
        }
        yield new GenericData.EnumSymbol(type, symbol);
      }
      case BYTES -> ByteBuffer.wrap((byte[]) value);
      default -> throw new IllegalArgumentException("no V2 datatype carries " + type.getType());
    };
  }
}
