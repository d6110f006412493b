package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Configs;
import dev.scorestream.model.ArtifactSignature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retraining loop's commands refuse an incomplete command line before they touch a broker, a
 * registry or a policy file: exit 2, the usage, and what is missing named.
 */
class RetrainCommandTest {

  @TempDir Path dir;

  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    return ScorerCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void shouldNameTheMissingModeOfRetrain() {
    assertThat(run("retrain", "--policy", "policy.json")).isEqualTo(2);

    assertThat(err.toString())
        .contains("--watch")
        .contains("--once")
        .contains("Usage: scorer retrain");
  }

  @Test
  void shouldNameTheMissingPolicyOfRetrain() {
    assertThat(run("retrain", "--once")).isEqualTo(2);

    assertThat(err.toString()).contains("--policy").contains("Usage: scorer retrain");
  }

  @Test
  void shouldRefuseRetrainInBothModesAtOnce() {
    assertThat(run("retrain", "--once", "--watch", "--policy", "policy.json")).isEqualTo(2);

    assertThat(err.toString()).contains("--once").contains("--watch");
  }

  @Test
  void shouldNameTheLeaseTimeoutItCannotRead() {
    assertThat(run("retrain", "--lease-timeout", "nonsense", "--once", "--policy", "x"))
        .isEqualTo(2);

    assertThat(err.toString())
        .contains("--lease-timeout")
        .contains("nonsense")
        .contains("Usage: scorer retrain");
  }

  @Test
  void shouldRefuseAPublicKeyWithoutTheControllersSigningKeyBeforeTouchingAnything()
      throws IOException {
    Path publicKey = dir.resolve("trusted.pem");
    Files.writeString(publicKey, ArtifactSignature.pem(ArtifactSignature.generate().getPublic()));
    Path config = dir.resolve("scorer.properties");
    StringBuilder text = new StringBuilder();
    Configs.minimal().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
    text.append(ScorerConfig.CHALLENGER_DIR).append("=/models/fraud/.challenger\n");
    text.append(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE).append('=').append(publicKey);
    Files.writeString(config, text);

    assertThat(
            run(
                "retrain",
                "--once",
                "--config",
                config.toString(),
                "--policy",
                dir.resolve("no-policy.json").toString()))
        .isNotZero();

    assertThat(err.toString())
        .contains(ScorerConfig.MODEL_SIGNATURE_PRIVATE_KEY_FILE + " is not set")
        .contains(ScorerConfig.MODEL_SIGNATURE_PUBLIC_KEY_FILE);
  }

  @Test
  void shouldNameBothWaysToUseModels() {
    assertThat(run("models")).isEqualTo(2);

    assertThat(err.toString())
        .contains("--dir")
        .contains("subcommand")
        .contains("Usage: scorer models");
  }

  @Test
  void shouldNameTheMissingReasonOfAPersonsAction() {
    assertThat(run("models", "promote", "--policy", "policy.json", "v2")).isEqualTo(2);

    assertThat(err.toString()).contains("--reason").contains("Usage: scorer models promote");
  }
}
