package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.evolution.AvroSamples;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.ProducerSchemas;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.training.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scorer schemas diff} and {@code adopt} against a real registry, without a pipeline: the
 * analysis names the model feature a producer's change defaults, and the proposed reader loads the
 * serving model and decodes events of the previous and the new writer schema.
 */
@ExtendWith(RealComponents.class)
class SchemasCommandIT {

  static final String SUBJECT = "adopt-events-value";

  @TempDir Path dir;

  final List<Schema> steps = ProducerSchemas.steps();
  final int[] ids = new int[4];
  Path reader;
  Path model;
  String registry;

  @BeforeEach
  void register(EmbeddedStack stack) throws Exception {
    registry = stack.registry().url();
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry));
    for (int i = 0; i < ids.length; i++) {
      ids[i] = client.register(SUBJECT, steps.get(i));
    }
    reader = Files.writeString(dir.resolve("reader.avsc"), steps.get(0).toString(true));
    model = dir.resolve("model");
    TestModels.logistic().save(model);
  }

  @Test
  void shouldNameTheFeatureADroppedFieldDefaultsAndExit3() {
    CliRun diff =
        CliRun.of(
            "schemas",
            "diff",
            "--registry",
            registry,
            "--subject",
            SUBJECT,
            "--to",
            Integer.toString(ids[3]),
            "--schema",
            reader.toString(),
            "--model",
            model.toString());

    assertThat(diff.exit()).as(diff.err()).isEqualTo(3);
    assertThat(diff.out())
        .contains(SUBJECT + "/" + ids[3] + "  WARN  v4 (previous id " + ids[2] + ")")
        .containsPattern("card_present +REMOVED_READER_DEFAULT")
        .containsPattern("card_present +card_present +ALWAYS_DEFAULT +was UNAFFECTED")
        .contains("fraud test-v1 affected: card_present ALWAYS_DEFAULT");
    CliRun added =
        CliRun.of(
            "schemas",
            "diff",
            "--registry",
            registry,
            "--subject",
            SUBJECT,
            "--from",
            Integer.toString(ids[0]),
            "--to",
            Integer.toString(ids[1]),
            "--schema",
            reader.toString(),
            "--model",
            model.toString(),
            "--json");
    assertThat(added.exit()).as(added.err()).isZero();
    assertThat(added.out())
        .contains("\"kind\": \"ADDED_IGNORED\"")
        .contains("\"severity\": \"INFO\"");
  }

  @Test
  void shouldProposeAReaderThatLoadsTheModelAndDecodesBothWriters() throws Exception {
    Path out = dir.resolve("proposal");

    CliRun adopt =
        CliRun.of(
            "schemas",
            "adopt",
            "--registry",
            registry,
            "--subject",
            SUBJECT,
            "--schema",
            reader.toString(),
            "--model",
            model.toString(),
            "--out",
            out.toString(),
            "--samples",
            "50");

    assertThat(adopt.exit()).as(adopt.out() + adopt.err()).isZero();
    assertThat(adopt.out()).doesNotContain("FAIL ").contains("PASS the serving model");
    Schema proposed = Contracts.fromFile(out.resolve("reader.avsc"));
    assertThat(proposed.getField("device_id").getObjectProp("feature")).isEqualTo(false);
    ModelArtifact.load(model, FeatureExtractor.forSchema(proposed));
    PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 3);
    for (int step : new int[] {2, 3}) {
      Schema writer = steps.get(step);
      for (int i = 0; i < 20; i++) {
        GenericRecord event =
            ProducerSchemas.as(writer, payments.next(1_764_000_000_000L).record(), null);
        byte[] bytes = new WireFormatEncoder(writer, ids[step]).encode(event);
        GenericRecord read =
            new GenericDatumReader<GenericRecord>(writer, proposed)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(read.get("account_age_days")).isEqualTo(event.get("account_age"));
      }
      assertThat(AvroSamples.decodeAs(writer, proposed, 50, step)).isEmpty();
    }
    assertThat(Files.readString(out.resolve("ADOPT.md")))
        .contains("# Adopting writer schema " + ids[3] + " of " + SUBJECT)
        .contains("At their default in every new event, so no signal for a model: [card_present]")
        .contains("[device_id]")
        .doesNotContain("FAIL");
    assertThat(out.resolve("features.json"))
        .as("an extractor-fed model has no spec")
        .doesNotExist();
  }
}
