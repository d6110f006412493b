package dev.scorestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchOptionsTest {

  /** Parses and validates without running anything: the exit code and what was printed. */
  static String refused(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new BenchMain());
    cli.setErr(new PrintWriter(err, true));
    BenchMain main = cli.getCommand();
    int code =
        cli.setExecutionStrategy(
                parsed -> {
                  main.options.validate(cli);
                  return 0;
                })
            .execute(args);
    assertThat(code).as(err.toString()).isEqualTo(2);
    return err.toString();
  }

  @Test
  void shouldRefuseASoakTooShortToCompareItsFirstAndLastFiveMinutes() {
    assertThat(refused("--soak-minutes", "6")).contains("--soak-minutes").contains("Usage");
  }

  @Test
  void shouldRefuseAnUnknownVariantNamingTheKnownOnes() {
    assertThat(refused("--variants", "DEFAULT,FAST")).contains("FAST").contains("FEEDBACK_OFF");
  }

  @Test
  void shouldRefuseANegativeLinger() {
    assertThat(refused("--latency-linger-ms", "-1"))
        .contains("--latency-linger-ms must not be negative");
  }

  @Test
  void shouldListEveryProblemOfTheShortRunTooShort() {
    assertThat(refused("--events", "10", "--runs", "0"))
        .contains("--events must be at least 10000")
        .contains("--runs must be at least 1");
  }

  @Test
  void shouldAcceptTheDocumentedShortRun() {
    BenchMain main = new BenchMain();
    CommandLine cli = new CommandLine(main);
    cli.parseArgs(
        "--runs",
        "1",
        "--events",
        "300000",
        "--warmup-events",
        "300000",
        "--skip-scale",
        "--skip-jmh",
        "--rates",
        "5000",
        "--latency-seconds",
        "15");
    main.options.validate(cli);
    assertThat(main.options.variants).startsWith(Variant.DEFAULT);
    assertThat(main.options.rates).containsExactly(5000);
  }
}
