package dev.scorestream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules the production code keeps, checked on the classes that go into {@code
 * scorer.jar} (app, scoring-topology, dead-letter, schemas), as Kafka checks its import-control
 * files in its build.
 */
class ArchitectureTest {

  /** Modules of ours that never ship in the production artifact. */
  static final List<String> DEV_ONLY_JARS =
      List.of(
          "scorestream-testkit",
          "scorestream-sample-data",
          "scorestream-demo",
          "scorestream-bench");

  static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ArchitectureTest::isProduction)
            .importPackages("dev.scorestream");
  }

  static boolean isProduction(Location location) {
    String uri = location.asURI().toString();
    boolean test = uri.contains("/test-classes/") || uri.contains("-tests.jar");
    boolean devOnly =
        DEV_ONLY_JARS.stream().anyMatch(name -> uri.contains("/" + name + "-"))
            || uri.matches(".*/(testkit|sample-data|demo|bench)/target/classes/.*");
    return !test && !devOnly;
  }

  @Test
  void shouldImportEveryProductionModule() {
    // A rule over an empty set passes vacuously: make sure the import found what it must check.
    List<String> packages =
        List.of(
            "dev.scorestream.app",
            "dev.scorestream.topology",
            "dev.scorestream.serving",
            "dev.scorestream.inference",
            "dev.scorestream.protocol.v2",
            "dev.scorestream.deadletter",
            "dev.scorestream.codec");
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
  void shouldKeepTheTopologyFreeOfTheApplicationAroundIt() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.scorestream.topology..",
            "dev.scorestream.serving..",
            "dev.scorestream.drift..",
            "dev.scorestream.feedback..",
            "dev.scorestream.features..",
            "dev.scorestream.validation..",
            "dev.scorestream.model..",
            "dev.scorestream.training..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.scorestream.http..",
            "dev.scorestream.cli..",
            "dev.scorestream.app..",
            "dev.scorestream.metrics..",
            "dev.scorestream.config..")
        .because("the topology is a pure builder; main wires config, I/O and lifecycle around it")
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
  void shouldKeepTheServingCoreFreeOfKafka() {
    noClasses()
        .that()
        .resideInAPackage("dev.scorestream.serving..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..", "dev.scorestream.topology..")
        .because("REST scoring and scorer score share the serving core without a Kafka client")
        .check(production);
  }

  @Test
  void shouldKeepTheContractModulesBelowEverythingElse() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.scorestream.codec..",
            "dev.scorestream.registry..",
            "dev.scorestream.schemas..",
            "dev.scorestream.deadletter..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.scorestream.serving..",
            "dev.scorestream.topology..",
            "dev.scorestream.model..",
            "dev.scorestream.features..",
            "dev.scorestream.validation..",
            "dev.scorestream.drift..",
            "dev.scorestream.feedback..",
            "dev.scorestream.training..",
            "dev.scorestream.app..",
            "dev.scorestream.cli..",
            "dev.scorestream.http..",
            "dev.scorestream.metrics..",
            "dev.scorestream.config..")
        .check(production);
  }

  @Test
  void shouldHaveNoCyclesBetweenPackages() {
    slices().matching("dev.scorestream.(*)..").should().beFreeOfCycles().check(production);
  }
}
