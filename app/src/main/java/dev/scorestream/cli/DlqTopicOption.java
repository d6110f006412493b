package dev.scorestream.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The dead-letter topic, spelled {@code --dlq-topic} by every command that reads one. The older
 * spellings ({@code dlq inspect --topic}, {@code replay --from}) still work but are not shown.
 */
final class DlqTopicOption {

  static final String DEFAULT = "events.dlq";

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--dlq-topic",
      paramLabel = "DLQ_TOPIC",
      description = "Dead-letter topic (default " + DEFAULT + ", the default of topic.dlq).")
  String topic;

  @Option(
      names = {"--topic", "--from"},
      hidden = true,
      paramLabel = "DLQ_TOPIC")
  String formerSpelling;

  String topic() {
    if (topic != null && formerSpelling != null && !topic.equals(formerSpelling)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--dlq-topic " + topic + " and " + formerSpelling + " disagree; give --dlq-topic only");
    }
    return topic != null ? topic : formerSpelling != null ? formerSpelling : DEFAULT;
  }
}
