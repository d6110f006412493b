package dev.scorestream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import dev.scorestream.architecture.fixtures.core.ReachesUp;
import dev.scorestream.architecture.fixtures.unplaced.Stray;
import dev.scorestream.cli.ScorerCli;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules the production code keeps, checked on the classes that go into {@code
 * scorer.jar} (schemas, dead-letter, protocol, core, training, scoring-topology, app), as Kafka
 * checks its import-control files in its build. The layers themselves are in {@link Layers}; the
 * module boundaries under them (a Kafka-free core) are the compiler's and the enforcer's.
 */
class ArchitectureTest {

  /** Modules of ours that never ship in the production artifact. */
  static final List<String> DEV_ONLY_JARS =
      List.of(
          "scorestream-testkit",
          "scorestream-sample-data",
          "scorestream-demo",
          "scorestream-bench",
          "scorestream-chaos");

  static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ArchitectureTest::isProduction)
            .importPackages("dev.scorestream");
    withFixtures =
        new ClassFileImporter()
            .withImportOption(
                location -> isProduction(location) || location.contains("/architecture/fixtures/"))
            .importPackages("dev.scorestream");
  }

  private static List<String> violations(ArchRule rule) {
    return rule.evaluate(withFixtures).getFailureReport().getDetails().stream()
        .filter(detail -> detail.contains(FIXTURES))
        .toList();
  }

  private static List<String> with(List<String> packages, String extra) {
    List<String> all = new ArrayList<>(packages);
    all.add(extra);
    return all;
  }

  /** Fixture classes that break the architecture on purpose (test code, never production). */
  static final String FIXTURES = "dev.scorestream.architecture.fixtures";

  /** The production classes plus the fixtures that break the architecture on purpose. */
  static JavaClasses withFixtures;

  static boolean isProduction(Location location) {
    String uri = location.asURI().toString();
    boolean test = uri.contains("/test-classes/") || uri.contains("-tests.jar");
    boolean devOnly =
        DEV_ONLY_JARS.stream().anyMatch(name -> uri.contains("/" + name + "-"))
            || uri.matches(".*/(testkit|sample-data|demo|bench|chaos)/target/classes/.*");
    return !test && !devOnly;
  }

  @Test
  void shouldImportEveryProductionModule() {
    // A rule over an empty set passes vacuously: make sure the import found what it must check.
    List<String> packages =
        List.of(
            "dev.scorestream.schemas",
            "dev.scorestream.codec",
            "dev.scorestream.deadletter",
            "dev.scorestream.protocol.v2",
            "dev.scorestream.serving",
            "dev.scorestream.model",
            "dev.scorestream.training",
            "dev.scorestream.lab",
            "dev.scorestream.topology",
            "dev.scorestream.app",
            "dev.scorestream.inference");
    for (String pkg : packages) {
      classes()
          .that()
          .resideInAPackage(pkg)
          .should()
          .resideInAPackage(pkg)
          .allowEmptyShould(false)
          .check(production);
    }
    noClasses()
        .should()
        .resideInAnyPackage("..testkit..", "..samples..", "..demo..", "..fixtures..")
        .check(production);
  }

  @Test
  void shouldPlaceEveryPackageInALayerThatUsesOnlyTheLayersBelow() {
    Layers.rule(Layers.PRODUCTION).check(production);
  }

  @Test
  void shouldFailTheBuildOnAClassThatReachesUpALayer() {
    Map<String, List<String>> layers = new LinkedHashMap<>(Layers.PRODUCTION);
    layers.put(Layers.CORE, with(layers.get(Layers.CORE), FIXTURES + ".core"));
    layers.put(Layers.APP, with(layers.get(Layers.APP), FIXTURES + ".unplaced"));

    List<String> violations = violations(Layers.rule(layers));

    assertThat(violations)
        .singleElement(STRING)
        .contains(ReachesUp.class.getName())
        .contains(ScorerCli.class.getName());
  }

  @Test
  void shouldFailTheBuildOnAPackageInNoLayer() {
    Map<String, List<String>> layers = new LinkedHashMap<>(Layers.PRODUCTION);
    layers.put(Layers.APP, with(layers.get(Layers.APP), FIXTURES + ".core"));

    List<String> violations = violations(Layers.rule(layers));

    assertThat(violations)
        .singleElement(STRING)
        .contains(Stray.class.getName())
        .contains("not contained in architecture");
  }

  @Test
  void shouldNeverDependOnTheTestKitTheDemoOrBrokerSideKafka() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.scorestream.testkit..",
            "dev.scorestream.samples..",
            "dev.scorestream.demo..",
            "dev.scorestream.fixtures..",
            "dev.scorestream.bench..",
            "dev.scorestream.chaos..",
            "kafka..",
            "scala..",
            "org.apache.kafka.raft..",
            "org.apache.kafka.server..",
            "org.apache.kafka.metadata..",
            "org.apache.logging.log4j.core..",
            "org.junit..")
        .because("the production artifact carries no broker, registry launcher, demo or test code")
        .check(production);
  }

  @Test
  void shouldServeTheInferenceProtocolsFromTheServingCoreAlone() {
    noClasses()
        .that()
        .resideInAPackage("dev.scorestream.inference..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "dev.scorestream.topology..",
            "dev.scorestream.app..",
            "dev.scorestream.cli..",
            "dev.scorestream.config..")
        .because(
            "REST V2 and gRPC answer from the model alone, through a broker outage, and take their"
                + " settings as arguments")
        .check(production);
  }

  @Test
  void shouldHaveNoCyclesBetweenPackages() {
    slices().matching("dev.scorestream.(*)..").should().beFreeOfCycles().check(production);
  }
}
