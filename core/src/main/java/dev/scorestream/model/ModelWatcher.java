package dev.scorestream.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a {@link ModelDirectory} and hands over every newly published artifact that passes all
 * checks and is newer than the one serving. An invalid candidate is logged once and ignored: the
 * serving model keeps serving. When the serving artifact's directory disappears (a challenger
 * retired), it says so once. Polling (not a file-system watch service) works the same on every file
 * system, including network and container volume mounts.
 */
public final class ModelWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  private final ModelDirectory directory;
  private final Consumer<ModelArtifact> onNewModel;
  private final Runnable onServingGone;
  private Path servingPath;
  private final Map<Path, FileTime> seen = new HashMap<>();
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "model-watcher");
            thread.setDaemon(true);
            return thread;
          });
  private FileTime servingSince;
  private volatile long rejected;

  /**
   * @param serving the artifact serving now (its directory is not offered again)
   * @param onNewModel called on the watcher thread with each artifact that should replace the
   *     serving one
   */
  public ModelWatcher(
      ModelDirectory directory, ModelArtifact serving, Consumer<ModelArtifact> onNewModel) {
    this(directory, serving, onNewModel, () -> {});
  }

  /**
   * @param serving the artifact serving now, or null when none does yet
   * @param onServingGone called on the watcher thread, once, when the serving artifact's directory
   *     is gone
   */
  public ModelWatcher(
      ModelDirectory directory,
      ModelArtifact serving,
      Consumer<ModelArtifact> onNewModel,
      Runnable onServingGone) {
    this.directory = directory;
    this.onNewModel = onNewModel;
    this.onServingGone = onServingGone;
    this.servingPath = serving == null ? null : serving.directory();
    this.servingSince =
        servingPath == null ? FileTime.fromMillis(0) : ModelDirectory.modified(servingPath);
    directory.candidates().forEach(path -> seen.put(path, ModelDirectory.modified(path)));
  }

  public ModelWatcher start(Duration interval) {
    executor.scheduleWithFixedDelay(
        this::poll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Candidates refused so far. */
  public long rejected() {
    return rejected;
  }

  /** One look at the directory; public so tests can drive it without waiting. */
  public synchronized void poll() {
    try {
      directory
          .candidates()
          .forEach(
              path -> {
                FileTime modified = ModelDirectory.modified(path);
                if (modified.equals(seen.get(path))) {
                  return;
                }
                seen.put(path, modified);
                ModelDirectory.Entry entry = directory.check(path);
                if (!entry.valid()) {
                  rejected++;
                  LOG.warn(
                      "ignoring model candidate, the serving model keeps serving: {}",
                      entry.problem());
                  return;
                }
                if (modified.compareTo(servingSince) < 0) {
                  LOG.info(
                      "model {} in {} is older than the serving one; not swapping",
                      entry.artifact().get().metadata().version(),
                      path);
                  return;
                }
                servingSince = modified;
                servingPath = path;
                onNewModel.accept(entry.artifact().get());
              });
      if (servingPath != null && !Files.isDirectory(servingPath)) {
        servingPath = null;
        servingSince = FileTime.fromMillis(0);
        onServingGone.run();
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot poll models directory {}: {}", directory.path(), e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
