package dev.scorestream.serving;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline's own view of its dependencies, read by the HTTP health endpoint and metrics. A
 * registry outage makes the pipeline not ready; it never makes records dead letters.
 */
public final class Health {

  private final AtomicReference<Instant> registryDownSince = new AtomicReference<>();
  private final AtomicLong registryOutageWaits = new AtomicLong();

  public void registryDown(Instant now) {
    registryDownSince.compareAndSet(null, now);
    registryOutageWaits.incrementAndGet();
  }

  public void registryUp() {
    registryDownSince.set(null);
  }

  public boolean registryReachable() {
    return registryDownSince.get() == null;
  }

  /** When the current outage started, or null when the registry is reachable. */
  public Instant registryDownSince() {
    return registryDownSince.get();
  }

  /** How many times a record had to wait for the registry. */
  public long registryOutageWaits() {
    return registryOutageWaits.get();
  }
}
