package dev.scorestream.model;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Models trained once and committed under {@code src/test/resources/models}, for the core's tests:
 * the core serves models and never trains them, so its tests load what the training module made.
 * {@code ReferenceModelTest} (this module) checks that they load and predict as recorded; the
 * training module's {@code CommittedModelsTest} checks that training today still makes them, and
 * its {@code ReferenceModelWriter} rewrites them when the artifact format changes on purpose.
 */
public final class ReferenceModels {

  /** The clock every committed model was trained at. */
  public static final Instant TRAINED_AT = Instant.parse("2026-11-01T00:00:00Z");

  /** A logistic fraud model on 4,000 generated payments (seed 7), version {@code test-v1}. */
  public static final String LOGISTIC_V1 = "test-v1";

  /** The same trainer on 2,000 other payments (seed 9), version {@code test-v2}. */
  public static final String LOGISTIC_V2 = "test-v2";

  /** The long-lived reference: 2,000 payments (seed 1234), with recorded predictions. */
  public static final String REFERENCE = "reference-1";

  private static ModelArtifact logistic;
  private static final Map<String, Path> EXTRACTED = new HashMap<>();

  private ReferenceModels() {}

  public static FeatureExtractor extractor() {
    return FeatureExtractor.forSchema(Contracts.paymentEvent());
  }

  /** Generated payments one second apart from {@link #TRAINED_AT}, as the models saw them. */
  public static List<LabelledRecord> payments(int count, long seed) {
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), seed);
    List<LabelledRecord> rows = new ArrayList<>(count);
    long time = TRAINED_AT.toEpochMilli();
    for (int i = 0; i < count; i++) {
      rows.add(generator.next(time + i * 1000L));
    }
    return rows;
  }

  /** {@link #LOGISTIC_V1}, loaded once. */
  public static synchronized ModelArtifact logistic() {
    if (logistic == null) {
      logistic = load(LOGISTIC_V1);
    }
    return logistic;
  }

  /** A committed model by version, loaded anew. */
  public static ModelArtifact load(String version) {
    return ModelArtifact.load(directory(version), extractor());
  }

  /**
   * Where a committed model lies: in this module's test resources, or, for the modules that use
   * this one's test jar, a copy extracted from it once.
   */
  public static synchronized Path directory(String version) {
    URL resource = ReferenceModels.class.getResource("/models/" + version);
    if (resource == null) {
      throw new IllegalStateException("no committed model " + version);
    }
    try {
      URI uri = resource.toURI();
      if (!"jar".equals(uri.getScheme())) {
        return Path.of(uri);
      }
      Path extracted = EXTRACTED.get(version);
      if (extracted == null) {
        extracted = extract(uri, version);
        EXTRACTED.put(version, extracted);
      }
      return extracted;
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("cannot read committed model " + version, e);
    }
  }

  private static Path extract(URI uri, String version) throws IOException {
    Path target = Files.createTempDirectory("committed-model-" + version + "-");
    try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
      Path source = jar.getPath("/models/" + version);
      try (Stream<Path> files = Files.list(source)) {
        for (Path file : files.toList()) {
          Files.copy(file, target.resolve(file.getFileName().toString()));
        }
      }
    }
    return target;
  }
}
