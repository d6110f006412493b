package dev.scorestream.testkit;

import dev.scorestream.embedded.TempDirectories;
import dev.scorestream.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * The images {@code docker/build-images.sh} builds. Container tests skip, saying why, where no Docker
 * daemon answers or the images were not built; CI builds them and runs the tests.
 */
public final class LocalImages {

  public static final String KAFKA = "scorestream/kafka:4.4.0";
  public static final String REGISTRY = "scorestream/apicurio:2.6.13";
  public static final String SCORER = "scorestream/scorer:latest";
  public static final String PROMETHEUS = "scorestream/prometheus:latest";

  private LocalImages() {
  }

  /** Skips the calling test unless a Docker daemon answers and every image in {@code images} exists. */
  public static void assumeBuilt(List<String> images) {
    Assumptions.assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
        "no Docker daemon: container tests skipped (CI starts one; see docker/build-images.sh)");
    for (String image : images) {
      boolean present;
      try {
        DockerClientFactory.instance().client().inspectImageCmd(image).exec();
        present = true;
      } catch (RuntimeException e) {
        present = false;
      }
      Assumptions.assumeTrue(present, "image " + image + " not built: run docker/build-images.sh (nothing is pulled)");
    }
  }

  /**
   * A fresh models directory at {@code root} holding {@link TestModels#logistic()} as {@code fraud-v1},
   * readable by the images' non-root user (10001).
   */
  public static Path modelsDirectory(Path root) throws IOException {
    TempDirectories.delete(root);
    TestModels.logistic().save(root.resolve("fraud-v1"));
    try (var paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
    return root;
  }
}
