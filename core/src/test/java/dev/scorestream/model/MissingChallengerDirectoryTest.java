package dev.scorestream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Scorers start before the retraining controller first creates their challenger directory: until
 * then it holds no challenger, and watching it says nothing.
 */
class MissingChallengerDirectoryTest {

  @TempDir Path root;

  @Test
  void shouldTreatAChallengerDirectoryThatDoesNotExistYetAsEmptyAndQuietly() throws IOException {
    Path challengers = Files.createDirectories(root.resolve("models")).resolve(".challenger");
    ModelDirectory directory =
        ModelDirectory.mayNotExistYet(challengers, ReferenceModels.extractor(), true);
    assertThat(directory.newestValid()).isEmpty();
    assertThat(directory.list()).isEmpty();

    Logger log = (Logger) LoggerFactory.getLogger(ModelWatcher.class);
    assertThat(log.isEnabledFor(Level.WARN)).as("a warning would be seen").isTrue();
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    log.addAppender(logged);
    List<String> offered = new ArrayList<>();
    try (ModelWatcher watcher =
        new ModelWatcher(directory, null, next -> offered.add(next.metadata().version()))) {
      watcher.poll();
      watcher.poll();
      assertThat(logged.list).as("a missing directory is not a problem to report").isEmpty();
      assertThat(offered).isEmpty();

      Files.createDirectories(challengers);
      Path staged = challengers.resolve(".staging");
      ReferenceModels.load(ReferenceModels.LOGISTIC_V2).save(staged);
      ModelDirectory.publish(challengers, staged, "fraud-v2");
      watcher.poll();
      assertThat(offered).containsExactly(ReferenceModels.LOGISTIC_V2);
    } finally {
      log.detachAppender(logged);
    }
  }

  @Test
  void shouldStillRefuseAModelsDirectoryThatDoesNotExist() {
    ModelDirectory champions =
        new ModelDirectory(root.resolve("absent"), ReferenceModels.extractor());

    assertThatThrownBy(champions::list).hasMessageContaining("is not a directory");
  }
}
