package dev.scorestream.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.FeatureSpec;
import dev.scorestream.features.JsonEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tribuo.Model;
import org.tribuo.VariableInfo;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

/**
 * A model artifact directory:
 *
 * <pre>
 *   model.tribuo     Tribuo model, protobuf ({@code Model.serializeToFile})
 *   metadata.json    {@link ModelMetadata}: name, version, provenance hash, schema fingerprint, evaluation
 *   baseline.json    {@link BaselineProfile}: the training distribution drift is measured against
 *   smoke.json       {@link SmokeExample}s: held-out events and the answers given right after training
 *   features.json    the feature spec of a model imported from a notebook (only those)
 *   training-data.avro  the rows it was trained on ({@link TrainingRows}; optional, never loaded here)
 *   manifest.json    {@link ArtifactManifest}: the SHA-256 of every other file, written last
 * </pre>
 *
 * {@link #load} checks all of it and fails with {@link InvalidModelException} naming what is wrong.
 * An artifact is immutable once saved: its manifest refuses any file changed, added or removed.
 */
public record ModelArtifact(
    Path directory,
    Model<?> model,
    ModelMetadata metadata,
    BaselineProfile baseline,
    List<SmokeExample> smoke,
    FeatureSpec spec) {

  /** A model fed the extractor's features (trained by {@code scorer train}). */
  public ModelArtifact(
      Path directory,
      Model<?> model,
      ModelMetadata metadata,
      BaselineProfile baseline,
      List<SmokeExample> smoke) {
    this(directory, model, metadata, baseline, smoke, null);
  }

  /** What the model predicts, from the metadata. */
  public Task task() {
    return Task.of(metadata.task());
  }

  public static final String MODEL_FILE = "model.tribuo";
  public static final String METADATA_FILE = "metadata.json";
  public static final String BASELINE_FILE = "baseline.json";
  public static final String SMOKE_FILE = "smoke.json";

  /**
   * The feature spec of a model imported from outside ({@code scorer import}): its input columns.
   * Absent for models {@code scorer train} made.
   */
  public static final String FEATURES_FILE = "features.json";

  /**
   * Scores must match the stored smoke answers this closely (Tribuo's own reference-model habit:
   * 1e-7).
   */
  static final double SMOKE_TOLERANCE = 1e-7;

  private static final Logger LOG = LoggerFactory.getLogger(ModelArtifact.class);
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Writes the files into {@code target} (created if needed), the manifest last: it covers every
   * file the directory holds then, so write {@link TrainingRows} there first to keep them.
   */
  public void save(Path target) throws IOException {
    Files.createDirectories(target);
    model.serializeToFile(target.resolve(MODEL_FILE));
    JSON.writeValue(target.resolve(METADATA_FILE).toFile(), metadata);
    JSON.writeValue(target.resolve(BASELINE_FILE).toFile(), baseline);
    JSON.writeValue(target.resolve(SMOKE_FILE).toFile(), smoke);
    if (spec != null) {
      JSON.writeValue(target.resolve(FEATURES_FILE).toFile(), spec.json());
    }
    ArtifactManifest.of(target).write(target);
  }

  /**
   * Loads and checks an artifact: its manifest when it has one (every file as it was made), all
   * files present and parseable, a model whose provenance hash matches the metadata, features the
   * extractor can produce, and the smoke answers reproduced.
   */
  public static ModelArtifact load(Path directory, FeatureExtractor extractor) {
    if (!Files.isDirectory(directory)) {
      throw new InvalidModelException(directory, "is not a directory");
    }
    if (Files.isRegularFile(directory.resolve(ArtifactManifest.FILE))) {
      ArtifactManifest.verify(directory);
    }
    for (String file : List.of(MODEL_FILE, METADATA_FILE, BASELINE_FILE, SMOKE_FILE)) {
      if (!Files.isRegularFile(directory.resolve(file))) {
        throw new InvalidModelException(directory, "has no " + file);
      }
    }
    ModelMetadata metadata = readJson(directory, METADATA_FILE, ModelMetadata.class);
    if (metadata.formatVersion() != ModelMetadata.FORMAT_VERSION) {
      throw new InvalidModelException(
          directory,
          METADATA_FILE
              + " has formatVersion "
              + metadata.formatVersion()
              + ", this scorer reads "
              + ModelMetadata.FORMAT_VERSION);
    }
    if (metadata.version() == null || metadata.version().isBlank()) {
      throw new InvalidModelException(directory, METADATA_FILE + " has no version");
    }
    BaselineProfile baseline = readJson(directory, BASELINE_FILE, BaselineProfile.class);
    List<SmokeExample> smoke = List.of(readJson(directory, SMOKE_FILE, SmokeExample[].class));
    Model<?> model = readModel(directory, Task.of(metadata.task()));
    String hash = provenanceHash(model);
    if (!hash.equals(metadata.provenanceHash())) {
      throw new InvalidModelException(
          directory,
          MODEL_FILE
              + " does not belong to "
              + METADATA_FILE
              + ": provenance hash "
              + hash
              + " != "
              + metadata.provenanceHash());
    }
    FeatureSpec spec = null;
    if (Files.isRegularFile(directory.resolve(FEATURES_FILE))) {
      try {
        spec = FeatureSpec.read(directory.resolve(FEATURES_FILE), extractor.schema());
      } catch (IOException | IllegalArgumentException e) {
        throw new InvalidModelException(directory, e.getMessage(), e);
      }
      checkColumns(directory, model, spec);
    } else {
      checkFeatures(directory, model, extractor);
    }
    String fingerprint = fingerprint(extractor.schema());
    if (!fingerprint.equals(metadata.readerSchemaFingerprint())) {
      LOG.warn(
          "model {} was trained on reader schema {} ({}), serving with {} ({}); its features still fit",
          metadata.version(),
          metadata.readerSchemaName(),
          abbreviate(metadata.readerSchemaFingerprint()),
          extractor.schema().getFullName(),
          abbreviate(fingerprint));
    }
    ModelArtifact artifact = new ModelArtifact(directory, model, metadata, baseline, smoke, spec);
    artifact.checkSmoke(extractor);
    return artifact;
  }

  /**
   * Predicts every smoke example and compares with the stored answers.
   *
   * @throws InvalidModelException naming the first example that differs
   */
  public void checkSmoke(FeatureExtractor extractor) {
    if (smoke.isEmpty()) {
      throw new InvalidModelException(
          directory, SMOKE_FILE + " has no examples; a model must prove itself before serving");
    }
    JsonEvents events = new JsonEvents(extractor.schema());
    ModelScorer scorer = new ModelScorer(this);
    for (int i = 0; i < smoke.size(); i++) {
      SmokeExample example = smoke.get(i);
      ScoreResult result;
      try {
        result = scorer.score(scorer.example(events.parse(example.event().toString()), extractor));
      } catch (JsonEvents.MalformedEventException | RuntimeException e) {
        throw new InvalidModelException(
            directory, "smoke example " + i + " cannot be scored: " + e.getMessage(), e);
      }
      if (!result.label().equals(example.label())) {
        throw new InvalidModelException(
            directory,
            "smoke example "
                + i
                + " predicts "
                + result.label()
                + ", the model predicted "
                + example.label()
                + " when it was trained");
      }
      for (Map.Entry<String, Double> expected : example.scores().entrySet()) {
        Double actual = result.scores().get(expected.getKey());
        if (actual == null || Math.abs(actual - expected.getValue()) > SMOKE_TOLERANCE) {
          throw new InvalidModelException(
              directory,
              "smoke example "
                  + i
                  + " scores "
                  + expected.getKey()
                  + "="
                  + actual
                  + ", expected "
                  + expected.getValue()
                  + " within "
                  + SMOKE_TOLERANCE);
        }
      }
    }
  }

  private static Model<?> readModel(Path directory, Task task) {
    Model<?> raw;
    try {
      raw = Model.deserializeFromFile(directory.resolve(MODEL_FILE));
    } catch (IOException | RuntimeException e) {
      throw new InvalidModelException(
          directory, MODEL_FILE + " is not a readable Tribuo model: " + e.getMessage(), e);
    }
    try {
      return task == Task.REGRESSION ? raw.castModel(Regressor.class) : raw.castModel(Label.class);
    } catch (ClassCastException e) {
      throw new InvalidModelException(
          directory,
          MODEL_FILE
              + " is not a "
              + task.code()
              + " model, as "
              + METADATA_FILE
              + " says: "
              + e.getMessage(),
          e);
    }
  }

  /** An imported model's features must be the spec's columns, every one of them. */
  private static void checkColumns(Path directory, Model<?> model, FeatureSpec spec) {
    java.util.Set<String> features = new java.util.TreeSet<>();
    for (VariableInfo info : model.getFeatureIDMap()) {
      features.add(info.getName());
    }
    java.util.Set<String> columns = new java.util.TreeSet<>(spec.columnNames());
    if (!features.equals(columns)) {
      throw new InvalidModelException(
          directory,
          "the model's inputs "
              + features
              + " are not the columns of "
              + FEATURES_FILE
              + " "
              + columns);
    }
  }

  private static void checkFeatures(Path directory, Model<?> model, FeatureExtractor extractor) {
    int producible = 0;
    List<String> foreign = new ArrayList<>();
    for (VariableInfo info : model.getFeatureIDMap()) {
      if (extractor.canProduce(info.getName())) {
        producible++;
      } else if (foreign.size() < 10) {
        foreign.add(info.getName());
      }
    }
    if (producible == 0) {
      throw new InvalidModelException(
          directory,
          "none of the model's "
              + model.getFeatureIDMap().size()
              + " features can be produced from reader schema "
              + extractor.schema().getFullName()
              + ", e.g. "
              + foreign);
    }
    if (!foreign.isEmpty()) {
      throw new InvalidModelException(
          directory,
          "model features not produced by reader schema "
              + extractor.schema().getFullName()
              + ": "
              + foreign);
    }
  }

  private static <T> T readJson(Path directory, String file, Class<T> type) {
    try {
      return JSON.readValue(
          Files.readString(directory.resolve(file), StandardCharsets.UTF_8), type);
    } catch (IOException e) {
      throw new InvalidModelException(directory, file + " is not valid: " + e.getMessage(), e);
    }
  }

  /** SHA-256 hex of the model's Tribuo provenance. */
  public static String provenanceHash(Model<?> model) {
    return sha256(model.getProvenance().toString());
  }

  /** SHA-256 parsing fingerprint of a schema, hex. */
  public static String fingerprint(Schema schema) {
    try {
      return HexFormat.of().formatHex(SchemaNormalization.parsingFingerprint("SHA-256", schema));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String abbreviate(String hash) {
    return Optional.ofNullable(hash).map(h -> h.length() > 12 ? h.substring(0, 12) : h).orElse("?");
  }
}
