package dev.scorestream.deadletter;

import java.util.concurrent.TimeUnit;

/**
 * Spreads work evenly at a fixed rate: call {@link #pace(long)} after each unit with the count done
 * so far and it sleeps until that unit was due. Rate 0 means no limit. Used by replay {@code
 * --rate} and the demo.
 */
public final class RatePacer {

  private final int perSecond;
  private final long startNanos = System.nanoTime();

  public RatePacer(int perSecond) {
    if (perSecond < 0) {
      throw new IllegalArgumentException("rate must be >= 0, got " + perSecond);
    }
    this.perSecond = perSecond;
  }

  /** Sleeps until unit {@code done} is due. */
  public void pace(long done) {
    if (perSecond == 0) {
      return;
    }
    long wait = startNanos + done * 1_000_000_000L / perSecond - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pacing", e);
      }
    }
  }
}
