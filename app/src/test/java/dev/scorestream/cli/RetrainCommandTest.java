package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * The retraining loop's commands refuse an incomplete command line before they touch a broker, a
 * registry or a policy file: exit 2, the usage, and what is missing named.
 */
class RetrainCommandTest {

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
