package dev.scorestream.topology;

import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.registry.SubjectVersion;
import dev.scorestream.registry.WriterHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The registry reads of the schema-change task, made off the stream thread: each answer arrives as
 * a future the task picks up when it punctuates, so a slow or absent registry delays a report and
 * never blocks a stream thread. A future fails with {@code SchemaNotFoundException} for an id the
 * registry does not know and with {@code RegistryUnavailableException} for an outage.
 */
public interface SchemaFetcher extends AutoCloseable {

  /** Writer schema {@code schemaId}, its version under {@code subject} and the one before it. */
  CompletableFuture<WriterHistory> history(String subject, int schemaId);

  /** Every version of {@code subject}, ascending, with ids and schemas. */
  CompletableFuture<List<SubjectVersion>> versions(String subject);

  /** Stops the reads still running; their futures never complete. */
  @Override
  void close();

  /** Reads through {@code registry} on one daemon thread of its own. */
  static SchemaFetcher of(SchemaRegistryClient registry) {
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "schema-change-registry");
              thread.setDaemon(true);
              return thread;
            });
    return new SchemaFetcher() {
      @Override
      public CompletableFuture<WriterHistory> history(String subject, int schemaId) {
        return CompletableFuture.supplyAsync(
            () -> Answers.of(() -> WriterHistory.of(registry, subject, schemaId)), executor);
      }

      @Override
      public CompletableFuture<List<SubjectVersion>> versions(String subject) {
        return CompletableFuture.supplyAsync(
            () ->
                Answers.of(
                    () -> {
                      List<SubjectVersion> versions = new ArrayList<>();
                      for (int version : registry.versions(subject)) {
                        versions.add(registry.version(subject, version));
                      }
                      return versions;
                    }),
            executor);
      }

      @Override
      public void close() {
        executor.shutdownNow();
      }
    };
  }

  /** Carries a checked registry answer through a future as its cause. */
  final class Answers {

    /** A registry call that may answer "not found". */
    interface Call<T> {
      T get() throws Exception;
    }

    private Answers() {}

    static <T> T of(Call<T> call) {
      try {
        return call.get();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    }
  }
}
