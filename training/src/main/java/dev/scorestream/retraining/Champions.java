package dev.scorestream.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.training.TrainerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.tribuo.VariableInfo;

/**
 * The models directory as the controller sees it: the champion (the newest valid artifact, as every
 * instance serves it), and where each version was published.
 */
final class Champions {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The serving artifact and the name of its directory in the models directory. */
  record Champion(ModelArtifact artifact, String directory, String digest) {

    String version() {
      return artifact.metadata().version();
    }
  }

  private final ModelDirectory models;
  private final FeatureExtractor extractor;

  Champions(Path models, FeatureExtractor extractor) {
    this.models = new ModelDirectory(models, extractor);
    this.extractor = extractor;
  }

  Path path() {
    return models.path();
  }

  /** The artifact every instance serves now. */
  Champion current() {
    ModelArtifact artifact =
        models
            .newestValid()
            .orElseThrow(
                () ->
                    new InvalidModelException(
                        models.path(), "holds no valid model artifact to retrain from"));
    return new Champion(
        artifact,
        artifact.directory().getFileName().toString(),
        ArtifactManifest.read(artifact.directory()).map(ArtifactManifest::digest).orElse(""));
  }

  /** The directory a version was published under (the newest, when more than one), if any. */
  Optional<Path> directoryOf(String version) {
    try (Stream<Path> entries = Files.list(models.path())) {
      return entries
          .filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> version.equals(versionOf(p)))
          .max(java.util.Comparator.comparing(Champions::modified));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + models.path(), e);
    }
  }

  private static String versionOf(Path artifact) {
    try {
      JsonNode metadata = JSON.readTree(artifact.resolve(ModelArtifact.METADATA_FILE).toFile());
      return metadata.path("version").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static java.nio.file.attribute.FileTime modified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  /** What the policy is checked against: the champion's name, task, trainer and fields. */
  RetrainingPolicy.Champion describe(Champion champion, Schema reader) {
    ModelArtifact artifact = champion.artifact();
    Set<String> fields = new TreeSet<>();
    for (VariableInfo feature : artifact.model().getFeatureIDMap()) {
      String name = feature.getName();
      String field = name.contains("=") ? name.substring(0, name.indexOf('=')) : name;
      if (artifact.spec() != null) {
        artifact.spec().columns().stream()
            .filter(c -> c.name().equals(name))
            .forEach(c -> fields.add(c.field().name()));
      } else if (reader.getField(field) != null || extractor.canProduce(name)) {
        fields.add(field);
      }
    }
    return new RetrainingPolicy.Champion(
        artifact.metadata().name(),
        artifact.task(),
        TrainerKind.of(artifact.metadata().trainer()),
        fields);
  }
}
