package dev.scorestream.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scorestream.codec.StrictUtf8;
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
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine;
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

  @Option(
      names = "--event-id-field",
      paramLabel = "FIELD",
      defaultValue = "event_id",
      description =
          "Reader-schema field holding the event id, copied into each prediction (default"
              + " ${DEFAULT-VALUE}); the scorer's event.id.field.")
  String eventIdField;

  @Option(
      names = "--event-time-field",
      paramLabel = "FIELD",
      description =
          "Reader-schema field holding the event time in epoch millis; default event_time when the"
              + " schema has it, else none. The scorer's event.time.field.")
  String eventTimeField;

  @Override
  public Integer call() throws IOException {
    Schema reader = readerSchema.reader();
    String timeField = eventTimeField(reader);
    requireField(reader, eventIdField, "--event-id-field");
    if (!timeField.isEmpty()) {
      requireField(reader, timeField, "--event-time-field");
    }
    FeatureExtractor extractor = FeatureExtractor.forSchema(reader);
    ActiveModel active = new ActiveModel(new ModelScorer(ModelArtifact.load(model, extractor)));
    JsonScorer scorer =
        new JsonScorer(
            new JsonEvents(reader),
            new EventScorer(RecordValidator.forSchema(reader), extractor, active),
            new PredictionBuilder(Contracts.prediction(), reader, eventIdField, timeField),
            Clock.systemUTC());
    PrintWriter out = spec.commandLine().getOut();
    Totals totals = score(System.in, scorer, out);
    spec.commandLine()
        .getErr()
        .printf("scored %d lines, %d not scorable%n", totals.lines(), totals.failed());
    return 0;
  }

  private String eventTimeField(Schema reader) {
    if (eventTimeField != null) {
      return eventTimeField;
    }
    return reader.getField("event_time") == null ? "" : "event_time";
  }

  private void requireField(Schema reader, String field, String option) {
    if (reader.getField(field) == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          option
              + ": the reader schema "
              + reader.getFullName()
              + " has no field '"
              + field
              + "'; name one of "
              + reader.getFields().stream().map(Schema.Field::name).toList());
    }
  }

  /** Lines read (blank ones included) and lines that got an error answer. */
  record Totals(long lines, long failed) {}

  /**
   * Scores each line of {@code in}. Lines are split on bytes and decoded strictly: a line that is
   * not well-formed UTF-8 gets {@code {"error": "INVALID_UTF8", "line": n}}, never a replacement
   * character in its event id.
   */
  static Totals score(InputStream in, JsonScorer scorer, PrintWriter out) throws IOException {
    long lines = 0;
    long failed = 0;
    BufferedInputStream bytes = new BufferedInputStream(in);
    for (byte[] line = readLine(bytes); line != null; line = readLine(bytes)) {
      lines++;
      Optional<String> text = StrictUtf8.decode(line);
      if (text.isPresent() && text.get().isBlank()) {
        continue;
      }
      ObjectNode answer;
      if (text.isEmpty()) {
        answer = JsonScorer.error(400, "INVALID_UTF8", "the line is not well-formed UTF-8").body();
      } else {
        JsonScorer.Answer scored = scorer.score(text.get());
        answer = scored.body();
        if (scored.status() == 200) {
          out.println(answer);
          continue;
        }
      }
      failed++;
      answer.put("line", lines);
      out.println(answer);
    }
    out.flush();
    return new Totals(lines, failed);
  }

  /** The next line without its terminator (LF or CRLF), or null at the end of the input. */
  private static byte[] readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b = in.read();
    if (b < 0) {
      return null;
    }
    while (b >= 0 && b != '\n') {
      line.write(b);
      b = in.read();
    }
    byte[] bytes = line.toByteArray();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      return java.util.Arrays.copyOf(bytes, length - 1);
    }
    return bytes;
  }
}
