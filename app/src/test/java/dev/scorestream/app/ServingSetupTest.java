package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Configs;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.training.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingSetupTest {

  @TempDir Path dir;

  Map<String, Object> values(Path models, Path challengers) {
    Map<String, Object> values = Configs.minimal();
    values.put(ScorerConfig.MODEL_DIR, models.toString());
    values.put(ScorerConfig.CHALLENGER_DIR, challengers.toString());
    values.put(ScorerConfig.MODEL_REQUIRE_MANIFEST, "true");
    return values;
  }

  @Test
  void shouldStartWithoutAChallengerWhileTheChallengerDirectoryDoesNotExistYet()
      throws IOException {
    Path models = dir.resolve("models");
    TestModels.logistic().save(models.resolve("fraud-v1"));
    Path challengers = models.resolve(".challenger");

    ServingSetup serving = ServingSetup.load(ScorerConfig.of(values(models, challengers)));

    assertThat(serving.model().current().version())
        .isEqualTo(TestModels.logistic().metadata().version());
    assertThat(serving.model().challenger()).isEmpty();
    assertThat(serving.models().challenger()).isNull();
    assertThat(serving.models().challengers().path())
        .as("watched, so the first challenger published there is picked up")
        .isEqualTo(challengers);
  }

  @Test
  void shouldStillRefuseAModelsDirectoryThatDoesNotExist() {
    Path models = dir.resolve("no-models");

    assertThatThrownBy(
            () ->
                ServingSetup.load(
                    ScorerConfig.of(values(models, dir.resolve("no-models/.challenger")))))
        .isInstanceOf(InvalidModelException.class)
        .hasMessageContaining("no-models");
  }
}
