package dev.scorestream.cli;

import dev.scorestream.app.RetrainApp;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.retraining.ModelEvent;
import dev.scorestream.retraining.RetrainingController;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * A person's action on the retraining loop, recorded on model-events like the controller's and
 * carried out under the same fence: the leading controller stands back for it and reads the trail
 * again before it acts.
 */
abstract class ModelsActionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The scorers' properties file (as scorer retrain takes it).")
  Path config;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "The retraining policy the controller runs under.")
  Path policy;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why: recorded with the action.")
  String reason;

  @Option(
      names = "--as",
      paramLabel = "NAME",
      description = "Who acts (default: the user running the command).")
  String who;

  abstract RetrainingController.ManualAction action();

  abstract String version();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    String actor = who != null ? who : System.getProperty("user.name", "unknown");
    ScorerConfig effective = ScorerConfig.load(config, System.getenv());
    try (RetrainingController controller =
        RetrainApp.forPerson(effective, policy, actor, out::println, Clock.systemUTC())) {
      List<ModelEvent> written = controller.manual(action(), version(), reason);
      written.forEach(event -> out.println(ModelsHistoryCommand.line(event)));
      return 0;
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("refused: " + e.getMessage());
      return 1;
    }
  }

  @Command(
      name = "retrain",
      mixinStandardHelpOptions = true,
      description = "Ask the loop for a candidate now: a manual trigger.")
  static final class Retrain extends ModelsActionCommand {
    @Override
    RetrainingController.ManualAction action() {
      return RetrainingController.ManualAction.RETRAIN;
    }

    @Override
    String version() {
      return null;
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description =
          "Promote the challenger in shadow (or a stored candidate, by version) without waiting"
              + " for the shadow's verdict.")
  static final class Promote extends ModelsActionCommand {
    @Parameters(arity = "0..1", paramLabel = "VERSION", description = "Default: the challenger.")
    String version;

    @Override
    RetrainingController.ManualAction action() {
      return RetrainingController.ManualAction.PROMOTE;
    }

    @Override
    String version() {
      return version;
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Reject the challenger in shadow and retire it from every instance.")
  static final class Reject extends ModelsActionCommand {
    @Parameters(arity = "0..1", paramLabel = "VERSION", description = "Default: the challenger.")
    String version;

    @Override
    RetrainingController.ManualAction action() {
      return RetrainingController.ManualAction.REJECT;
    }

    @Override
    String version() {
      return version;
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description =
          "Serve an earlier model again, published anew as the newest: by default the champion"
              + " the last promotion replaced.")
  static final class Rollback extends ModelsActionCommand {
    @Option(names = "--to", paramLabel = "VERSION", description = "The version to restore.")
    String to;

    @Override
    RetrainingController.ManualAction action() {
      return RetrainingController.ManualAction.ROLLBACK;
    }

    @Override
    String version() {
      return to;
    }
  }
}
