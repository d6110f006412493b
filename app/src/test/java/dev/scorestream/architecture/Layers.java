package dev.scorestream.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.lang.ArchRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The allow-list of the production code, as Kafka's import-control files are: every package of
 * {@code dev.scorestream} sits in one layer, and a layer uses only the layers below it. A package
 * in no layer fails the build, so a new capability has to be placed (and its place argued) before
 * it lands.
 *
 * <ol>
 *   <li><b>contracts</b>: what other systems see (Avro schemas, the wire format, the registry
 *       protocol, dead-letter headers and reason codes, the Open Inference Protocol);
 *   <li><b>core</b>: scoring without Kafka (validation, features, context, models, drift and
 *       feedback arithmetic, what a schema change does to a model), so REST, gRPC and {@code scorer
 *       score} answer through a broker outage;
 *   <li><b>training</b> and <b>topology</b>, side by side: making models beside the stream, and the
 *       Kafka Streams topology that serves them; neither knows the other;
 *   <li><b>app</b>: the CLI, configuration, HTTP and gRPC servers, metrics, the Kafka ACL check and
 *       the wiring of the production process.
 * </ol>
 */
final class Layers {

  static final String CONTRACTS = "contracts";
  static final String CORE = "core";
  static final String TRAINING = "training";
  static final String TOPOLOGY = "topology";
  static final String APP = "app";

  /** Layer name to the packages it holds, bottom first. */
  static final Map<String, List<String>> PRODUCTION = production();

  private Layers() {}

  private static Map<String, List<String>> production() {
    Map<String, List<String>> layers = new LinkedHashMap<>();
    layers.put(
        CONTRACTS,
        List.of(
            "dev.scorestream.schemas",
            "dev.scorestream.codec",
            "dev.scorestream.registry",
            "dev.scorestream.deadletter",
            "dev.scorestream.protocol.v2",
            // sample payments of the PaymentEvent contract, written as producers would write them
            "dev.scorestream.payments"));
    layers.put(
        CORE,
        List.of(
            "dev.scorestream.settings",
            "dev.scorestream.evolution",
            "dev.scorestream.validation",
            "dev.scorestream.features",
            "dev.scorestream.enrichment",
            "dev.scorestream.model",
            "dev.scorestream.serving",
            "dev.scorestream.drift",
            "dev.scorestream.feedback"));
    layers.put(
        TRAINING,
        List.of("dev.scorestream.training", "dev.scorestream.lab", "dev.scorestream.retraining"));
    layers.put(TOPOLOGY, List.of("dev.scorestream.topology"));
    layers.put(
        APP,
        List.of(
            "dev.scorestream.app",
            "dev.scorestream.cli",
            "dev.scorestream.config",
            "dev.scorestream.http",
            "dev.scorestream.inference",
            "dev.scorestream.metrics",
            "dev.scorestream.security"));
    return layers;
  }

  /** The layered rule over the given layers (the production ones, or a test's variation). */
  static ArchRule rule(Map<String, List<String>> layers) {
    return layeredArchitecture()
        .consideringOnlyDependenciesInAnyPackage("dev.scorestream..")
        .layer(CONTRACTS)
        .definedBy(packages(layers, CONTRACTS))
        .layer(CORE)
        .definedBy(packages(layers, CORE))
        .layer(TRAINING)
        .definedBy(packages(layers, TRAINING))
        .layer(TOPOLOGY)
        .definedBy(packages(layers, TOPOLOGY))
        .layer(APP)
        .definedBy(packages(layers, APP))
        .whereLayer(APP)
        .mayNotBeAccessedByAnyLayer()
        .whereLayer(TRAINING)
        .mayOnlyBeAccessedByLayers(APP)
        .whereLayer(TOPOLOGY)
        .mayOnlyBeAccessedByLayers(APP)
        .whereLayer(CORE)
        .mayOnlyBeAccessedByLayers(TRAINING, TOPOLOGY, APP)
        .whereLayer(CONTRACTS)
        .mayOnlyBeAccessedByLayers(CORE, TRAINING, TOPOLOGY, APP)
        .ensureAllClassesAreContainedInArchitecture()
        .because(
            "contracts, then the Kafka-free core, then training and the topology side by side, then"
                + " the app: each layer uses only those below it, and every package has a layer");
  }

  private static String[] packages(Map<String, List<String>> layers, String layer) {
    return layers.get(layer).stream().map(name -> name + "..").toArray(String[]::new);
  }
}
