package dev.scorestream.testkit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Broker and registry together, started in parallel (the registry's JVM boots while the broker
 * formats and starts). The demo and the integration-test extension both use this.
 */
public final class EmbeddedStack implements AutoCloseable {

  private final EmbeddedKafka kafka;
  private final EmbeddedRegistry registry;

  private EmbeddedStack(EmbeddedKafka kafka, EmbeddedRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  public static EmbeddedStack start() {
    CompletableFuture<EmbeddedRegistry> registry =
        CompletableFuture.supplyAsync(EmbeddedRegistry::start);
    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.start();
    } catch (RuntimeException e) {
      registry.thenAccept(EmbeddedRegistry::close);
      throw e;
    }
    try {
      return new EmbeddedStack(kafka, registry.join());
    } catch (CompletionException e) {
      kafka.close();
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  public EmbeddedKafka kafka() {
    return kafka;
  }

  public EmbeddedRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    registry.close();
    kafka.close();
  }
}
