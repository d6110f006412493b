package dev.scorestream.app;

import dev.scorestream.serving.Health;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the stream pipeline works, as opposed to whether inference can answer: Kafka Streams is
 * running (or rebalancing), a broker answers, the schema registry answers, and input that waits is
 * being processed. Kafka clients retry through a broker outage without leaving {@code RUNNING}, so
 * the broker is asked directly: every {@code health.check.interval}, a describe-cluster call that
 * may take half the interval.
 */
final class PipelineHealth implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineHealth.class);

  /** One reading, with the reasons when unhealthy. */
  record Status(
      boolean healthy,
      String streams,
      boolean brokerReachable,
      Instant brokerDownSince,
      boolean registryReachable,
      Instant registryDownSince,
      double lag,
      boolean stalled,
      List<String> problems) {}

  /**
   * What the checks read.
   *
   * @param state the Kafka Streams state
   * @param registry the schema registry's reachability, as the scoring tasks see it
   * @param broker asks a broker whether it answers
   * @param closeBroker closes what {@code broker} uses
   * @param processed records processed so far (progress)
   * @param consumerLag records waiting on the input, or NaN when unknown
   */
  record Signals(
      Supplier<KafkaStreams.State> state,
      Health registry,
      BrokerProbe broker,
      AutoCloseable closeBroker,
      LongSupplier processed,
      DoubleSupplier consumerLag) {}

  /** Asks a broker whether it answers, waiting at most {@code timeoutMillis}. */
  @FunctionalInterface
  interface BrokerProbe {
    boolean answers(long timeoutMillis) throws InterruptedException;
  }

  private final Supplier<KafkaStreams.State> state;
  private final Health registry;
  private final BrokerProbe broker;
  private final AutoCloseable closeBroker;
  private final LongSupplier processed;
  private final DoubleSupplier consumerLag;
  private final Duration interval;
  private final Duration stallTimeout;
  private final Clock clock;
  private final ScheduledExecutorService checker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "pipeline-health");
            thread.setDaemon(true);
            return thread;
          });

  private volatile Instant brokerDownSince;
  private volatile long lastProcessed = -1;
  private volatile Instant lastProgress;
  private volatile boolean stalled;
  private volatile double lag = Double.NaN;

  PipelineHealth(Signals signals, Duration interval, Duration stallTimeout, Clock clock) {
    this.state = signals.state();
    this.registry = signals.registry();
    this.broker = signals.broker();
    this.closeBroker = signals.closeBroker();
    this.processed = signals.processed();
    this.consumerLag = signals.consumerLag();
    this.interval = interval;
    this.stallTimeout = stallTimeout;
    this.clock = clock;
    this.lastProgress = clock.instant();
  }

  /** For a running instance: its Kafka Streams, a broker asked through {@code admin}. */
  static PipelineHealth of(
      KafkaStreams streams,
      Health registry,
      Admin admin,
      LongSupplier processed,
      Duration interval,
      Duration stallTimeout,
      Clock clock) {
    BrokerProbe probe =
        timeout -> {
          try {
            admin
                .describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout))
                .nodes()
                .get(timeout + 1000, TimeUnit.MILLISECONDS);
            return true;
          } catch (java.util.concurrent.ExecutionException
              | java.util.concurrent.TimeoutException e) {
            return false;
          }
        };
    return new PipelineHealth(
        new Signals(
            streams::state,
            registry,
            probe,
            () -> admin.close(Duration.ofSeconds(5)),
            processed,
            () -> consumerLag(streams)),
        interval,
        stallTimeout,
        clock);
  }

  PipelineHealth start() {
    checker.scheduleWithFixedDelay(this::check, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One round: ask a broker, read the lag, see whether records were processed since. */
  void check() {
    try {
      probeBroker();
      progress();
    } catch (RuntimeException e) {
      LOG.warn("pipeline health check failed: {}", e.toString());
    }
  }

  private void probeBroker() {
    long timeout = Math.max(500, interval.toMillis() / 2);
    boolean reachable;
    try {
      reachable = broker.answers(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      reachable = false;
    }
    if (reachable && brokerDownSince != null) {
      LOG.info("Kafka broker reachable again (down since {})", brokerDownSince);
      brokerDownSince = null;
    } else if (!reachable && brokerDownSince == null) {
      brokerDownSince = clock.instant();
      LOG.warn("no Kafka broker answers within {} ms; the pipeline is not healthy", timeout);
    }
  }

  private void progress() {
    long now = processed.getAsLong();
    lag = consumerLag.getAsDouble();
    Instant at = clock.instant();
    if (now != lastProcessed || !(lag > 0)) {
      lastProcessed = now;
      lastProgress = at;
    }
    stalled = Duration.between(lastProgress, at).compareTo(stallTimeout) > 0;
  }

  /** The largest {@code records-lag-max} of the instance's consumers; NaN before the first poll. */
  private static double consumerLag(KafkaStreams streams) {
    double max = Double.NaN;
    for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
      MetricName name = entry.getKey();
      if (name.name().equals("records-lag-max")
          && name.group().equals("consumer-fetch-manager-metrics")
          && !name.tags().containsKey("topic")
          && entry.getValue().metricValue() instanceof Double value
          && !value.isNaN()) {
        max = Double.isNaN(max) ? value : Math.max(max, value);
      }
    }
    return max;
  }

  boolean brokerReachable() {
    return brokerDownSince == null;
  }

  boolean stalled() {
    return stalled;
  }

  boolean healthy() {
    return status().healthy();
  }

  Status status() {
    KafkaStreams.State state = this.state.get();
    List<String> problems = new ArrayList<>();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      problems.add("Kafka Streams is " + state);
    } else if (state == KafkaStreams.State.REBALANCING) {
      problems.add("Kafka Streams is rebalancing (assigning or restoring tasks)");
    }
    Instant brokerDown = brokerDownSince;
    if (brokerDown != null) {
      problems.add("no Kafka broker answers since " + brokerDown);
    }
    if (!registry.registryReachable()) {
      problems.add("the schema registry does not answer since " + registry.registryDownSince());
    }
    if (stalled) {
      problems.add(
          "input waits (lag " + (long) lag + ") but nothing was processed for " + stallTimeout);
    }
    return new Status(
        problems.isEmpty(),
        state.name(),
        brokerDown == null,
        brokerDown,
        registry.registryReachable(),
        registry.registryDownSince(),
        lag,
        stalled,
        problems);
  }

  @Override
  public void close() {
    checker.shutdownNow();
    try {
      closeBroker.close();
    } catch (Exception e) {
      LOG.warn("closing the health check's admin client: {}", e.toString());
    }
  }
}
