package dev.scorestream.cli;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ArtifactSignature;
import dev.scorestream.model.ModelDirectory;
import dev.scorestream.model.ModelMetadata;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorer models --dir DIR}: what is in a models directory and which artifact serves. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    subcommands = {
      ModelsHistoryCommand.class,
      ModelsActionCommand.Retrain.class,
      ModelsActionCommand.Promote.class,
      ModelsActionCommand.Reject.class,
      ModelsActionCommand.Rollback.class,
      ModelsSigningCommand.Keygen.class,
      ModelsSigningCommand.Sign.class,
      ModelsSigningCommand.Verify.class
    },
    description =
        "List the artifacts in a models directory, newest first, each checked as the scorer would"
            + " check it; marks the one that serves (the newest valid). Subcommands: the"
            + " retraining loop's history, a person's retrain, promote, reject and rollback, and"
            + " signing artifacts (keygen, sign, verify).")
final class ModelsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Models directory (model.dir of the scorer).")
  Path dir;

  @Option(
      names = "--public-key",
      paramLabel = "FILE",
      description =
          "Check signatures too, as a scorer with this model.signature.public.key.file does.")
  Path publicKey;

  @Mixin ReaderSchemaOption readerSchema;

  @Override
  public Integer call() {
    if (dir == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "models needs --dir DIR, or a subcommand (history, retrain, ...)");
    }
    Schema reader = readerSchema.reader();
    List<PublicKey> trusted;
    try {
      trusted = publicKey == null ? List.of() : ArtifactSignature.readPublicKeys(publicKey);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--public-key: " + e.getMessage());
    }
    List<ModelDirectory.Entry> entries =
        new ModelDirectory(dir, FeatureExtractor.forSchema(reader)).trusting(trusted).list();
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%-7s %-28s %-16s %-9s %-8s %-24s %s%n",
        "", "directory", "version", "trainer", "accuracy", "created", "status");
    boolean activeFound = false;
    for (ModelDirectory.Entry entry : entries) {
      String marker = "";
      if (entry.valid() && !activeFound) {
        marker = "ACTIVE";
        activeFound = true;
      }
      if (entry.valid()) {
        ModelMetadata m = entry.artifact().get().metadata();
        out.printf(
            "%-7s %-28s %-16s %-9s %-8s %-24s %s%n",
            marker,
            entry.path().getFileName(),
            m.version(),
            m.trainer(),
            m.evaluation() == null
                ? "-"
                : m.evaluation().accuracy() != null
                    ? String.format("%.4f", m.evaluation().accuracy())
                    : String.format("R²%.3f", m.evaluation().r2()),
            m.createdAt(),
            "ok");
      } else {
        out.printf(
            "%-7s %-28s %-16s %-9s %-8s %-24s %s%n",
            "", entry.path().getFileName(), "-", "-", "-", "-", "INVALID: " + entry.problem());
      }
    }
    if (entries.isEmpty()) {
      out.println("(no artifacts in " + dir + ")");
    }
    return activeFound ? 0 : 1;
  }
}
