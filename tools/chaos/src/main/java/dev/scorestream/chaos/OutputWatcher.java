package dev.scorestream.chaos;

import dev.scorestream.testkit.OutputCollector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads the pipeline's outputs as a downstream consumer would ({@code read_committed}) for the
 * whole run, on a thread of its own, so the suite can tell when the pipeline has caught up after a
 * fault. Survives broker restarts: the consumer reconnects by itself.
 */
final class OutputWatcher implements AutoCloseable {

  private final OutputCollector collector;
  private final AtomicLong seen = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

  OutputWatcher(String bootstrap, List<String> topics) {
    this.collector = new OutputCollector(bootstrap, topics);
    this.thread = new Thread(this::poll, "output-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    while (running.get()) {
      collector.pollUntil(
          () -> !running.get(), Duration.ofMillis(500), record -> seen.incrementAndGet());
    }
  }

  long seen() {
    return seen.get();
  }

  /** Stops reading; returns every record read. */
  List<ConsumerRecord<byte[], byte[]>> stop() {
    running.set(false);
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    records.addAll(collector.records());
    return records;
  }

  @Override
  public void close() {
    if (running.get()) {
      stop();
    }
    collector.close();
  }
}
