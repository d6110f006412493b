package dev.scorestream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The registry client against a real Apicurio speaking the Confluent API. */
@ExtendWith(RealComponents.class)
class SchemaRegistryClientIT {

  final SchemaRegistryClient client;

  SchemaRegistryClientIT(EmbeddedStack stack) {
    this.client = new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
  }

  @Test
  void shouldRegisterAndFetchByIdKeepingFieldRules() throws Exception {
    int id = client.register("client-it-payments-value", Contracts.paymentEvent());

    SchemaRegistryClient fresh = new SchemaRegistryClient(client.settings());
    Schema fetched = fresh.schemaById(id);

    assertThat(fetched).isEqualTo(Contracts.paymentEvent());
    assertThat(fetched.getField("amount").getObjectProp("rules")).isNotNull();
    assertThat(client.register("client-it-payments-value", Contracts.paymentEvent())).isEqualTo(id);
  }

  /**
   * Scorers starting together register the same schemas at the same moment; Apicurio answers all
   * but the first with 409 "already exists" when they race. Every one must get the same id, none a
   * refusal.
   */
  @Test
  void shouldGiveEveryConcurrentRegistrationOfTheSameSchemaTheSameId() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      for (int round = 0; round < 5; round++) {
        String subject = "client-it-race-" + round + "-value";
        List<Callable<Integer>> registrations = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          SchemaRegistryClient instance = new SchemaRegistryClient(client.settings());
          registrations.add(() -> instance.register(subject, Contracts.prediction()));
        }
        List<Integer> ids = new ArrayList<>();
        for (Future<Integer> id : pool.invokeAll(registrations)) {
          ids.add(id.get());
        }

        assertThat(ids).as(subject).containsOnly(client.register(subject, Contracts.prediction()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldAcceptCompatibleAndRefuseIncompatibleChangeUnderBackward() {
    String subject = "client-it-evolution-value";
    Schema v1 = SchemaBuilder.record("Thing").fields().requiredString("id").endRecord();
    Schema compatible =
        SchemaBuilder.record("Thing")
            .fields()
            .requiredString("id")
            .optionalString("note")
            .endRecord();
    Schema incompatible =
        SchemaBuilder.record("Thing")
            .fields()
            .requiredString("id")
            .requiredInt("count")
            .endRecord();
    int first = client.register(subject, v1);
    client.setCompatibility(subject, "BACKWARD");

    assertThat(client.isCompatible(subject, compatible)).isTrue();
    assertThat(client.isCompatible(subject, incompatible)).isFalse();
    assertThat(client.register(subject, compatible)).isNotEqualTo(first);
    assertThatThrownBy(() -> client.register(subject, incompatible))
        .isInstanceOf(RegistryRejectedException.class)
        .satisfies(e -> assertThat(((RegistryRejectedException) e).status()).isEqualTo(409));
  }

  @Test
  void shouldAnswerUnknownIdDefinitely() {
    assertThatThrownBy(() -> client.schemaById(987_654))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("987654");
    assertThat(client.isReachable()).isTrue();
  }

  @Test
  void shouldTreatNewSubjectAsCompatible() {
    assertThat(client.isCompatible("client-it-never-registered-value", Contracts.prediction()))
        .isTrue();
  }

  @Test
  void shouldReportWrongBasePathAsOutageNotUnknownId(EmbeddedStack stack) {
    String wrong = stack.registry().url().replace("/apis/ccompat/v7", "/nope");
    SchemaRegistryClient misconfigured =
        new SchemaRegistryClient(
            RegistrySettings.of(wrong).withRetries(1, Duration.ofMillis(1), Duration.ofMillis(1)));

    assertThatThrownBy(() -> misconfigured.schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class);
  }

  /**
   * Apicurio's ccompat API lists a subject's versions and answers each with the content id the wire
   * format carries, so the registry poll and the "previous writer" lookup work against it.
   */
  @Test
  void shouldListVersionsAndPlaceAWriterAfterItsPredecessor() throws Exception {
    String subject = "client-it-versions-value";
    Schema v1 = SchemaBuilder.record("Thing").fields().requiredString("id").endRecord();
    Schema v2 =
        SchemaBuilder.record("Thing").fields().requiredString("id").optionalLong("n").endRecord();
    int first = client.register(subject, v1);
    int second = client.register(subject, v2);

    assertThat(client.versions(subject)).containsExactly(1, 2);
    assertThat(client.version(subject, 2)).isEqualTo(new SubjectVersion(subject, 2, second, v2));
    assertThat(client.versions("client-it-no-such-subject-value")).isEmpty();
    assertThatThrownBy(() -> client.version(subject, 3))
        .isInstanceOf(SchemaNotFoundException.class);
    WriterHistory history =
        WriterHistory.of(new SchemaRegistryClient(client.settings()), subject, second);
    assertThat(history.version()).isEqualTo(2);
    assertThat(history.previous().id()).isEqualTo(first);
    assertThat(history.previous().schema()).isEqualTo(v1);
  }
}
