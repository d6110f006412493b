package dev.scorestream.demo;

import dev.scorestream.cli.TrainCommand;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.LabelledRecord;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scorer train} of the development build: also trains on generated sample payments. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a model artifact (Tribuo model + metadata + baseline profile + smoke examples) from labelled"
            + " .avro or .csv files, from a topic of TrainingExample records, or from generated sample payments.")
final class SampleTrainCommand extends TrainCommand {

  @Option(
      names = "--generated",
      paramLabel = "N",
      description =
          "Train on N generated card payments (the demo's data, with a known ground truth) instead of files;"
              + " for a first model, e.g. before docker compose up.")
  Integer generated;

  @Override
  protected boolean otherSourceGiven() {
    return generated != null;
  }

  @Override
  protected String otherSourceUsage() {
    return "--generated N";
  }

  @Override
  protected void readOtherSource(Schema reader, List<LabelledRecord> rows, PrintWriter console) {
    if (generated < 10) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--generated needs at least 10 records, got " + generated);
    }
    PaymentGenerator generator = new PaymentGenerator(reader, seed);
    long start = Instant.now().minusSeconds(30L * 86_400).toEpochMilli();
    for (int i = 0; i < generated; i++) {
      rows.add(generator.next(start + i * 60_000L));
    }
    console.printf("generated %,d card payments (seed %d)%n", generated, seed);
  }
}
