package dev.scorestream.topology;

import dev.scorestream.registry.RegistryUnavailableException;
import dev.scorestream.serving.Health;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.StreamsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits out a schema registry outage for one record: the record is not the problem, so it is
 * retried with backoff up to {@code maxBlock}; after that a {@link RegistryOutageException}
 * replaces the stream thread, which resumes from the last commit.
 */
final class RegistryWait {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryWait.class);

  private final Health health;
  private final Clock clock;
  private final Duration maxBlock;

  RegistryWait(Health health, Clock clock, Duration maxBlock) {
    this.health = health;
    this.clock = clock;
    this.maxBlock = maxBlock;
  }

  /**
   * @param where the record, for the log ({@code topic-partition@offset})
   */
  <T> T call(Supplier<T> call, Supplier<String> where) {
    // Real elapsed time, not the injected clock: the clock stamps records, this bounds a wait.
    long deadline = System.nanoTime() + maxBlock.toNanos();
    long backoff = 200;
    while (true) {
      try {
        T result = call.get();
        if (!health.registryReachable()) {
          LOG.info("schema registry reachable again");
          health.registryUp();
        }
        return result;
      } catch (RegistryUnavailableException e) {
        health.registryDown(clock.instant());
        if (System.nanoTime() - deadline >= 0) {
          throw new RegistryOutageException(
              "schema registry unreachable for more than "
                  + maxBlock
                  + "; restarting the stream thread from the last commit",
              e);
        }
        LOG.warn(
            "schema registry unreachable, record at {} waits {} ms: {}",
            where.get(),
            backoff,
            e.getMessage());
        pause(backoff);
        backoff = Math.min(backoff * 2, 5_000);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StreamsException("interrupted while waiting for the schema registry", e);
    }
  }

  /**
   * The registry stayed unreachable too long; the stream thread restarts rather than
   * dead-lettering.
   */
  static final class RegistryOutageException extends StreamsException {
    RegistryOutageException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
