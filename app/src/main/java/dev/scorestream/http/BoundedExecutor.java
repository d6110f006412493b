package dev.scorestream.http;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A server's threads with a bounded wait: {@code threads} workers and at most {@code queue} waiting
 * requests. A request beyond them goes to two overflow threads, which read it and refuse it at once
 * ({@link #overloaded}: HTTP 503, gRPC RESOURCE_EXHAUSTED), so a flood is told to back off instead
 * of queueing without bound; when those are busy too, the server drops the request (the JDK server
 * closes the connection).
 */
public final class BoundedExecutor implements Executor {

  /** Requests that may wait for an overflow thread before connections are simply closed. */
  static final int OVERFLOW_QUEUE = 256;

  private final ThreadPoolExecutor workers;
  private final ThreadPoolExecutor overflow;

  /** {@code threads} workers named {@code name}, at most {@code queue} tasks waiting for them. */
  public BoundedExecutor(String name, int threads, int queue) {
    BlockingQueue<Runnable> waiting =
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            waiting,
            runnable -> daemon(new Thread(runnable, name)));
    overflow =
        new ThreadPoolExecutor(
            2,
            2,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(OVERFLOW_QUEUE),
            runnable -> daemon(new OverflowThread(runnable, name + "-overloaded")));
  }

  /**
   * Runs {@code task} on a worker, or on an overflow thread when the workers and their queue are
   * full; throws {@link RejectedExecutionException} when both are full.
   */
  @Override
  public void execute(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      overflow.execute(task);
    }
  }

  /** True on an overflow thread: the request it reads is to be refused as overloaded. */
  public static boolean overloaded() {
    return Thread.currentThread() instanceof OverflowThread;
  }

  /** Stops every thread, interrupting running tasks. */
  public void shutdownNow() {
    workers.shutdownNow();
    overflow.shutdownNow();
  }

  private static Thread daemon(Thread thread) {
    thread.setDaemon(true);
    return thread;
  }

  /** Marks the threads whose requests are answered 503. */
  private static final class OverflowThread extends Thread {
    OverflowThread(Runnable runnable, String name) {
      super(runnable, name);
    }
  }
}
