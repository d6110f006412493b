package dev.scorestream.cli;

import dev.scorestream.app.ScorerApp;
import dev.scorestream.config.ScorerConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scorer run --config FILE}: runs the pipeline until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the scoring pipeline against your Kafka and schema registry until SIGTERM/Ctrl-C.")
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file (see README, Configuration); SCORER_* and KAFKA_* environment variables override it.")
  Path config;

  @Override
  public Integer call() {
    ScorerConfig effective = ScorerConfig.load(config, System.getenv());
    ScorerApp app = ScorerApp.start(effective, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    app.streams().setStateListener((next, previous) -> {
      if (next == KafkaStreams.State.NOT_RUNNING || next == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "scorer-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return app.streams().state() == KafkaStreams.State.ERROR ? 1 : 0;
  }
}
