package dev.scorestream.cli;

import dev.scorestream.app.ScorerApp;
import dev.scorestream.config.ScorerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scorer run --config FILE}: runs the pipeline until SIGTERM. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Run the scoring pipeline against your Kafka and schema registry until SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file (see README, Configuration); SCORER_* environment variables override it (SCORER_KAFKA_* for Kafka client properties).")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    ScorerConfig effective = ScorerConfig.load(config, System.getenv());
    ScorerApp app = ScorerApp.start(effective, Clock.systemUTC());
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  closed.countDown();
                },
                "scorer-shutdown"));
    app.awaitTermination();
    boolean failed = app.streams().state() == KafkaStreams.State.ERROR;
    if (failed) {
      app.close();
    } else {
      // stopped by SIGTERM: let the shutdown hook finish closing before the JVM exits
      closed.await(60, TimeUnit.SECONDS);
    }
    return failed ? 1 : 0;
  }
}
