package dev.scorestream.cli;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.http.JsonScorer;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.serving.PredictionBuilder;
import dev.scorestream.validation.RecordValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code scorer score --model DIR < events.jsonl}: offline scoring, one JSON answer per input line.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Score JSON events from stdin (one object per line) with a model artifact, offline. Each output line is"
            + " the prediction, or {\"error\": ..., \"line\": n} with the violated rules: the same checks as the stream.")
final class ScoreCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Model artifact directory.")
  Path model;

  @Mixin ReaderSchemaOption readerSchema;

  @Override
  public Integer call() throws IOException {
    Schema reader = readerSchema.reader();
    FeatureExtractor extractor = FeatureExtractor.forSchema(reader);
    ActiveModel active = new ActiveModel(new ModelScorer(ModelArtifact.load(model, extractor)));
    JsonScorer scorer =
        new JsonScorer(
            new JsonEvents(reader),
            new EventScorer(RecordValidator.forSchema(reader), extractor, active),
            new PredictionBuilder(
                Contracts.prediction(),
                reader,
                "event_id",
                reader.getField("event_time") == null ? "" : "event_time"),
            Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    long lines = 0;
    long failed = 0;
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lines++;
      if (line.isBlank()) {
        continue;
      }
      JsonScorer.Answer answer = scorer.score(line);
      if (answer.status() != 200) {
        failed++;
        answer.body().put("line", lines);
      }
      out.println(answer.body());
    }
    out.flush();
    spec.commandLine().getErr().printf("scored %d lines, %d not scorable%n", lines, failed);
    return 0;
  }
}
