package dev.scorestream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.scorestream.app.RetrainApp;
import dev.scorestream.app.StreamsProperties;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.retraining.AuditTrail;
import dev.scorestream.retraining.ModelEvent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorer models history}: the retraining loop's decisions, oldest first. */
@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description =
        "Print the retraining loop's timeline from the model-events topic: every trigger,"
            + " candidate, gate, shadow look, promotion, rollback and manual action, with who acted"
            + " and why.")
final class ModelsHistoryCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The scorers' properties file (topic.model.events, Kafka and registry).")
  Path config;

  @Option(names = "--model", paramLabel = "NAME", description = "Only this model's decisions.")
  String model;

  @Option(names = "--json", description = "One JSON object per decision, with every field.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    ScorerConfig effective = ScorerConfig.load(config, System.getenv());
    AuditTrail trail =
        AuditTrail.forReading(
            effective.getString(ScorerConfig.TOPIC_MODEL_EVENTS), RetrainApp.registry(effective));
    List<ModelEvent> events = trail.read(StreamsProperties.clients(effective), model);
    PrintWriter out = spec.commandLine().getOut();
    ObjectMapper mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    for (ModelEvent event : events) {
      out.println(json ? mapper.writeValueAsString(event) : line(event));
    }
    if (events.isEmpty() && !json) {
      out.println("(no decisions recorded on " + trail.topic() + ")");
    }
    return 0;
  }

  static String line(ModelEvent event) {
    ModelEvent.Versions v = event.versions();
    String versions =
        (v.candidate() == null ? "" : v.candidate())
            + (v.champion() == null || v.champion().equals(v.candidate())
                ? ""
                : " (champion " + v.champion() + ")");
    return String.format(
        Locale.ROOT,
        "%s  %-14s %-8s %-34s %s [%s %s]",
        event.at(),
        event.type(),
        event.modelName(),
        versions,
        event.reason(),
        event.actor().kind().name().toLowerCase(Locale.ROOT),
        event.actor().name());
  }
}
