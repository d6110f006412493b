package dev.scorestream.cli;

import picocli.CommandLine.Option;

/** {@code --subject S}: the registry subject of a producer's writer schemas. */
final class SubjectOption {

  @Option(
      names = "--subject",
      required = true,
      paramLabel = "SUBJECT",
      description = "Registry subject of the writer schemas, e.g. events-value.")
  String subject;
}
