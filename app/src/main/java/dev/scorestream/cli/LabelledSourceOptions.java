package dev.scorestream.cli;

import dev.scorestream.feedback.TrainingExamples;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.TopicTrainingSource;
import dev.scorestream.training.TrainingData;
import dev.scorestream.validation.RecordValidator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where labelled rows come from, for {@code train} and {@code export}: .avro or .csv files, or a
 * topic of TrainingExample records. Every row is decoded onto the reader schema, sanitized and
 * checked against its rules; rows that break them are skipped and counted.
 */
public final class LabelledSourceOptions {

  @Option(
      names = {"--input", "-i", "--from"},
      arity = "1..*",
      paramLabel = "FILE",
      description = "Labelled data: .avro container files or .csv files with a header row.")
  List<Path> inputs = List.of();

  @Option(
      names = "--from-topic",
      paramLabel = "TOPIC",
      description =
          "Read a topic of TrainingExample records (e.g. events.training) instead of files; needs"
              + " --bootstrap-server and --registry, and takes the Kafka client and registry"
              + " security options below.")
  String fromTopic;

  @Mixin KafkaClientOptions kafka;

  @Mixin RegistryOptions registry;

  @Option(
      names = "--since",
      paramLabel = "INSTANT",
      description = "With --from-topic: only examples written at or after this ISO-8601 instant.")
  Instant since;

  @Option(
      names = "--label",
      defaultValue = "label",
      description = "Label column/field of the files (default ${DEFAULT-VALUE}).")
  String label;

  /**
   * Checks that exactly one source is given, counting one a subcommand adds ({@code otherUsage}
   * names it, empty for none).
   */
  void check(CommandLine command, boolean otherGiven, String otherUsage) {
    int sources = (inputs.isEmpty() ? 0 : 1) + (fromTopic == null ? 0 : 1) + (otherGiven ? 1 : 0);
    if (sources != 1) {
      throw new CommandLine.ParameterException(
          command,
          "give exactly one of "
              + (otherUsage.isEmpty()
                  ? "--input FILE... or --from-topic TOPIC"
                  : "--input FILE..., --from-topic TOPIC or " + otherUsage));
    }
    if (fromTopic != null && (!kafka.given() || !registry.given())) {
      throw new CommandLine.ParameterException(
          command, "--from-topic needs --bootstrap-server and --registry");
    }
    if (fromTopic == null && (kafka.given() || registry.given())) {
      throw new CommandLine.ParameterException(
          command, "--bootstrap-server and --registry go with --from-topic only");
    }
  }

  /** Reads the files or the topic into {@code rows}, reporting each source on {@code console}. */
  void read(Schema reader, List<LabelledRecord> rows, PrintWriter console) throws IOException {
    if (fromTopic != null) {
      TopicTrainingSource source =
          new TopicTrainingSource(
              kafka.properties(),
              new SchemaRegistryClient(registry.settings()),
              new TrainingExamples(reader),
              RecordValidator.forSchema(reader));
      report(console, fromTopic, source.read(fromTopic, since, read -> {}), rows);
    }
    TrainingData data = new TrainingData(reader, label);
    for (Path input : inputs) {
      report(console, input.toString(), data.read(input), rows);
    }
  }

  String label() {
    return label;
  }

  private static void report(
      PrintWriter console, String source, TrainingData.Loaded loaded, List<LabelledRecord> rows) {
    console.printf(
        "read %,d rows from %s, skipped %,d%s%n",
        loaded.rows().size(),
        source,
        loaded.skipped(),
        loaded.skippedBy().isEmpty() ? "" : " " + loaded.skippedBy());
    rows.addAll(loaded.rows());
  }
}
