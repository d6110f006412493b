package dev.scorestream.retraining;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.InvalidModelException;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.Task;
import dev.scorestream.model.TrainingRows;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.training.ModelTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.avro.Schema;

/**
 * Makes a candidate from the rows a trigger pinned, and holds it to gate 1.
 *
 * <ol>
 *   <li>the labelled events of the pinned offset ranges (sanitized and checked as the stream does),
 *       thinned deterministically to {@code data.maxExamples};
 *   <li>an out-of-time split: the newest {@code data.evalFraction} held out, never a random split;
 *   <li>a share of the champion's own training data mixed into the training rows, so the model does
 *       not forget the stable part of the world;
 *   <li>a declared share of the training rows perturbed the way production data is messy;
 *   <li>trained with the champion's trainer (or the policy's), seeded;
 *   <li>champion and candidate evaluated on the same held-out rows, clean and perturbed, and the
 *       candidate's artifact loaded back and checked as an instance would check it.
 * </ol>
 *
 * Every number that makes the candidate reproducible (ranges, counts, seeds, a digest of the rows)
 * goes into the TRAINED record.
 */
final class CandidateBuilder {

  /**
   * A candidate and what gate 1 made of it.
   *
   * @param stored where the candidate store keeps it, null when it was not made
   * @param reason why it was not made (NOT_ENOUGH_DATA ...), null when it was
   * @param rows the rows it was made from, for a rebuild to compare; null when it was not made
   */
  record Built(
      Publisher.Stored stored,
      ModelEvent.DataCoordinates data,
      Map<String, Double> metrics,
      List<ModelEvent.GateResult> gates,
      String reason,
      Rows rows) {

    boolean passed() {
      return stored != null && OfflineGate.passed(gates);
    }
  }

  /**
   * The rows behind a candidate.
   *
   * @param clean the training rows before perturbation (window, then the champion's)
   * @param perturbed the training rows as trained on, and what was perturbed
   * @param eval the held-out rows
   * @param messyEval the held-out rows, every one perturbed, for the robustness check
   */
  record Rows(
      List<LabelledRecord> clean,
      Perturbations.Result perturbed,
      List<LabelledRecord> eval,
      List<LabelledRecord> messyEval) {}

  private final RetrainingPolicy policy;
  private final FeatureExtractor extractor;
  private final Schema reader;
  private final Publisher publisher;
  private final Clock clock;

  /**
   * @param policy the policy resolved against the champion
   */
  CandidateBuilder(
      RetrainingPolicy policy,
      FeatureExtractor extractor,
      Schema reader,
      Publisher publisher,
      Clock clock) {
    // A perturbation field the reader schema cannot take is the policy's error: said at start.
    Perturbations.check(policy, reader);
    this.policy = policy;
    this.extractor = extractor;
    this.reader = reader;
    this.publisher = publisher;
    this.clock = clock;
  }

  Built build(
      ModelEvent trigger, LabelledEvents.Read read, ModelArtifact champion, Consumer<String> log)
      throws IOException {
    String version = trigger.versions().candidate();
    List<TimedRow> rows = thin(read.examples());
    RetrainingPolicy.Data data = policy.data();
    if (rows.size() < data.minExamples()) {
      return refused(
          trigger,
          read,
          String.format(
              "NOT_ENOUGH_DATA %d labelled events in the window, the policy needs %d",
              rows.size(), data.minExamples()));
    }
    OutOfTimeSplit.Split split = OutOfTimeSplit.split(rows, data.evalFraction(), data.gap());
    ChampionDataMix.Mix mix =
        new ChampionDataMix(data.championData(), data.gap(), policy.trainer().seed())
            .mix(championRows(champion), split.train().size(), split);
    List<TimedRow> training = new ArrayList<>(split.train());
    training.addAll(mix.rows());
    List<LabelledRecord> clean = training.stream().map(TimedRow::row).toList();
    Perturbations perturbations = new Perturbations(policy, reader, champion.baseline());
    Perturbations.Result perturbed = perturbations.perturb(clean);
    List<LabelledRecord> eval = split.eval().stream().map(TimedRow::row).toList();
    ModelTrainer trainer = new ModelTrainer(extractor, clock);
    log.accept(
        String.format(
            "training %s on %,d rows (%,d from the window, %,d of the champion's, %,d perturbed),"
                + " %,d held out from %s",
            version,
            clean.size(),
            split.train().size(),
            mix.rows().size(),
            perturbed.perturbed(),
            eval.size(),
            split.holdoutFrom()));
    ModelArtifact candidate =
        trainer.train(
            new ModelTrainer.Split(perturbed.rows(), eval),
            new ModelTrainer.Options(
                policy.model(),
                version,
                policy.trainer().kind(),
                0,
                policy.trainer().seed(),
                champion.metadata().labelField()),
            log);
    Publisher.Stored stored = publisher.store(candidate, reader, trainingRows(training));
    Judged judged = judge(trainer, champion, candidate, stored, eval, perturbations);
    ModelEvent.DataCoordinates coordinates =
        new ModelEvent.DataCoordinates(
            trigger.data().topic(),
            trigger.data().ranges(),
            new ModelEvent.Counts(
                read.read(),
                read.skipped() + (read.examples().size() - rows.size()),
                clean.size(),
                eval.size(),
                mix.rows().size(),
                perturbed.perturbed()),
            split.holdoutFrom(),
            perturbed.perturbedByKind(),
            new ModelEvent.Seeds(policy.perturb().seed(), policy.trainer().seed()),
            policy.trainer().kind().code(),
            digest(training));
    return new Built(
        stored,
        coordinates,
        judged.metrics(),
        judged.gates(),
        null,
        new Rows(clean, perturbed, eval, judged.messyEval()));
  }

  /** Gate 1's checks and figures: champion and candidate on the same held-out rows. */
  private record Judged(
      List<ModelEvent.GateResult> gates,
      Map<String, Double> metrics,
      List<LabelledRecord> messyEval) {}

  private Judged judge(
      ModelTrainer trainer,
      ModelArtifact champion,
      ModelArtifact candidate,
      Publisher.Stored stored,
      List<LabelledRecord> eval,
      Perturbations perturbations) {
    List<ModelEvent.GateResult> gates = new ArrayList<>();
    gates.add(artifactGate(stored));
    List<LabelledRecord> messy = perturbations.perturbAll(eval, policy.perturb().seed() + 1).rows();
    Evaluation championEval = trainer.evaluate(champion, eval);
    Evaluation candidateEval = trainer.evaluate(candidate, eval);
    Evaluation championMessy = messy.isEmpty() ? null : trainer.evaluate(champion, messy);
    Evaluation candidateMessy = messy.isEmpty() ? null : trainer.evaluate(candidate, messy);
    gates.addAll(
        OfflineGate.check(
            policy.gates().offline(),
            new OfflineGate.Comparison(
                championEval,
                candidateEval,
                championMessy,
                candidateMessy,
                pairs(champion, candidate, eval))));
    Map<String, Double> metrics = new TreeMap<>();
    put(metrics, "champion", championEval);
    put(metrics, "candidate", candidateEval);
    put(metrics, "champion.perturbed", championMessy);
    put(metrics, "candidate.perturbed", candidateMessy);
    return new Judged(gates, metrics, messy);
  }

  private Built refused(ModelEvent trigger, LabelledEvents.Read read, String reason) {
    ModelEvent.DataCoordinates coordinates =
        new ModelEvent.DataCoordinates(
            trigger.data().topic(),
            trigger.data().ranges(),
            new ModelEvent.Counts(read.read(), read.skipped(), 0, 0, 0, 0),
            null,
            Map.of(),
            new ModelEvent.Seeds(policy.perturb().seed(), policy.trainer().seed()),
            policy.trainer().kind().code(),
            digest(List.of()));
    return new Built(null, coordinates, Map.of(), List.of(), reason, null);
  }

  /**
   * Above {@code data.maxExamples}, keeps the rows whose (partition, offset) hash lowest under the
   * trainer's seed: the same rows whatever order they were read in.
   */
  private List<TimedRow> thin(List<LabelledEvents.Example> examples) {
    List<TimedRow> rows =
        new ArrayList<>(
            examples.stream()
                .map(
                    e ->
                        new TimedRow(
                            e.eventId(), e.row(), e.eventTime(), e.partition(), e.offset()))
                .toList());
    int max = policy.data().maxExamples();
    if (rows.size() <= max) {
      return rows;
    }
    long seed = policy.trainer().seed();
    rows.sort(
        java.util.Comparator.comparingLong(
                (TimedRow r) -> mix(seed ^ (((long) r.partition()) << 48) ^ r.offset()))
            .thenComparing(TimedRow.CHRONOLOGICAL));
    return new ArrayList<>(rows.subList(0, max));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** The champion's kept training rows, as timed rows of partition -1 (none when it kept none). */
  private List<TimedRow> championRows(ModelArtifact champion) {
    if (champion.directory() == null || !TrainingRows.present(champion.directory())) {
      if (policy.data().championData().failIfMissing()) {
        throw new IllegalStateException(
            "the champion "
                + champion.metadata().version()
                + " kept no training rows and data.championData.ifMissing is fail");
      }
      return List.of();
    }
    List<TrainingRows.Row> kept = TrainingRows.read(champion.directory(), reader);
    List<TimedRow> rows = new ArrayList<>(kept.size());
    for (int i = 0; i < kept.size(); i++) {
      TrainingRows.Row row = kept.get(i);
      rows.add(
          new TimedRow(
              row.eventId(),
              new LabelledRecord(row.event(), row.label()),
              row.eventTime() == null ? Long.MIN_VALUE : row.eventTime(),
              -1,
              i));
    }
    return rows;
  }

  private static List<TrainingRows.Row> trainingRows(List<TimedRow> rows) {
    return rows.stream()
        .map(
            r ->
                new TrainingRows.Row(
                    r.eventId(),
                    r.row().label(),
                    r.eventTime() == Long.MIN_VALUE ? null : r.eventTime(),
                    r.row().record()))
        .toList();
  }

  /** The candidate as an instance loads it: every file against the manifest, smoke answers. */
  private ModelEvent.GateResult artifactGate(Publisher.Stored stored) {
    try {
      ArtifactManifest.verify(stored.directory());
      ModelArtifact.load(stored.directory(), extractor);
      return new ModelEvent.GateResult(
          "artifact",
          true,
          null,
          null,
          "loads and answers its smoke examples; " + stored.manifest().shortDigest());
    } catch (InvalidModelException e) {
      return new ModelEvent.GateResult("artifact", false, null, null, e.getMessage());
    }
  }

  /** Who got which held-out row right, for the optional significance check. */
  private ModelEvent.PairCounts pairs(
      ModelArtifact champion, ModelArtifact candidate, List<LabelledRecord> eval) {
    if (champion.task() != Task.CLASSIFICATION || candidate.task() != Task.CLASSIFICATION) {
      return null;
    }
    ModelScorer a = new ModelScorer(champion);
    ModelScorer b = new ModelScorer(candidate);
    long both = 0;
    long championOnly = 0;
    long candidateOnly = 0;
    long neither = 0;
    for (LabelledRecord row : eval) {
      ScoreResult first = a.score(a.example(row.record(), extractor));
      ScoreResult second = b.score(b.example(row.record(), extractor));
      boolean x = first.label().equals(row.label());
      boolean y = second.label().equals(row.label());
      if (x && y) {
        both++;
      } else if (x) {
        championOnly++;
      } else if (y) {
        candidateOnly++;
      } else {
        neither++;
      }
    }
    return new ModelEvent.PairCounts(eval.size(), both, championOnly, candidateOnly, neither, 0);
  }

  private static void put(Map<String, Double> metrics, String who, Evaluation evaluation) {
    if (evaluation == null) {
      return;
    }
    for (QualityMetric metric : QualityMetric.values()) {
      Double value = metric.of(evaluation);
      if (value != null) {
        metrics.put(who + "." + metric.code(), value);
      }
    }
  }

  /** SHA-256 over the training rows in order: event id, label and time per line. */
  static String digest(List<TimedRow> rows) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (TimedRow row : rows) {
        sha.update(
            (row.eventId() + '\t' + row.row().label() + '\t' + row.eventTime() + '\n')
                .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
