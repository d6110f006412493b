package dev.scorestream.retraining;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ArtifactManifest;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.TrainingRows;
import dev.scorestream.schemas.LabelledRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Rebuilds a candidate from its TRAINED record alone ({@code scorer retrain --rebuild}): the same
 * offset ranges of the training topic, the champion of that time, the same policy and seeds. Then
 * it compares, row for row and answer for answer, with what the controller recorded and stored.
 *
 * <p>The bytes of {@code model.tribuo} cannot match, because Tribuo's provenance records when a
 * model was trained. Everything that decides what the model answers does: the rows (their content,
 * not only their ids), the perturbations, the split, the figures recorded, and every answer on the
 * held-out rows, clean and perturbed. A rebuild writes nothing outside a scratch directory it
 * deletes, and takes no lease: it never disturbs a running controller.
 */
public final class Rebuilder {

  /** Answers may differ by this much and still count as the same (they match exactly so far). */
  public static final double TOLERANCE = 1e-12;

  /**
   * One comparison between the record (or the stored candidate) and the rebuild.
   *
   * @param name what is compared
   * @param same whether they match
   * @param recorded the recorded value, as text
   * @param rebuilt the rebuilt value, as text
   */
  public record Check(String name, boolean same, String recorded, String rebuilt) {}

  /**
   * One perturbed training row beside its clean original.
   *
   * @param messy the row as trained on, after the stream's sanitation
   * @param field the one field its kind was allowed to change
   * @param drawn the value drawn for it, before sanitation
   */
  public record Perturbed(
      GenericRecord clean,
      GenericRecord messy,
      PerturbationKind kind,
      String field,
      String drawn) {}

  /**
   * What a rebuild found.
   *
   * @param trained the TRAINED record rebuilt
   * @param checks every comparison, in the order made
   * @param perturbed each perturbed training row of the rebuild beside its original
   * @param declared the fields each kind may change under the policy
   */
  public record Report(
      ModelEvent trained,
      List<Check> checks,
      List<Perturbed> perturbed,
      Map<PerturbationKind, List<String>> declared) {

    public Report {
      checks = List.copyOf(checks);
      perturbed = List.copyOf(perturbed);
      declared = Map.copyOf(declared);
    }

    /** True when every check matched. */
    public boolean identical() {
      return checks.stream().allMatch(Check::same);
    }
  }

  private final RetrainingController.Settings settings;
  private final Clock clock;
  private final Consumer<String> log;

  public Rebuilder(RetrainingController.Settings settings, Clock clock, Consumer<String> log) {
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Rebuilds the candidate of a TRAINED record.
   *
   * @param id the TRAINED record's event id, or its candidate's version
   * @throws IllegalArgumentException when there is no such record, it made no candidate, it was
   *     decided under another policy, or what it needs (the rows, the champion) is gone
   */
  public Report rebuild(String id) throws IOException {
    AuditTrail trail = AuditTrail.registered(settings.topics().modelEvents(), settings.registry());
    ModelEvent trained = find(trail.read(settings.clientProperties(), null), id);
    if (trained.data() == null || trained.data().counts().trainRows() == 0) {
      throw new IllegalArgumentException(
          trained.versions().candidate() + " was not trained: " + trained.reason());
    }
    String policyDigest = settings.policy().digest();
    if (!policyDigest.equals(trained.policyDigest())) {
      throw new IllegalArgumentException(
          String.format(
              "%s was trained under the policy with digest %s, and --policy has %s: pass the"
                  + " policy file of that time",
              trained.versions().candidate(), trained.policyDigest(), policyDigest));
    }
    FeatureExtractor extractor = FeatureExtractor.forSchema(settings.reader());
    Champions champions = new Champions(settings.places().models(), extractor);
    Champions.Champion champion = champion(champions, trained.versions().champion(), extractor);
    RetrainingPolicy policy =
        settings.policy().resolve(champions.describe(champion, settings.reader()));
    Path scratch = Files.createTempDirectory("scorer-rebuild-");
    try (TopicRanges ranges = new TopicRanges(settings.clientProperties())) {
      if (!ranges.stillHeld(trained.data().topic(), trained.data().ranges())) {
        throw new IllegalArgumentException(
            "the offsets "
                + trained.versions().candidate()
                + " was trained on are no longer in "
                + trained.data().topic()
                + " (retention deleted them)");
      }
      LabelledEvents.Read read =
          LoopContext.labelledEvents(settings)
              .read(ranges, trained.data().topic(), trained.data().ranges());
      Publisher publisher =
          new Publisher(scratch.resolve("models"), scratch.resolve("challengers"));
      Files.createDirectories(scratch.resolve("models").resolve(Publisher.CANDIDATES));
      CandidateBuilder builder =
          new CandidateBuilder(policy, extractor, settings.reader(), publisher, clock);
      log.accept(
          "rebuilding "
              + trained.versions().candidate()
              + " from "
              + trained.data().topic()
              + " with champion "
              + champion.version());
      CandidateBuilder.Built rebuilt = builder.build(trained, read, champion.artifact(), log);
      if (rebuilt.stored() == null) {
        throw new IllegalArgumentException(
            "the rebuild made no candidate: " + rebuilt.reason() + " (the record says it did)");
      }
      List<Check> checks = new ArrayList<>();
      compareRecord(trained, rebuilt, checks);
      compareStored(trained, rebuilt, extractor, checks);
      Map<PerturbationKind, List<String>> declared =
          new Perturbations(policy, settings.reader(), null).eligibleFields();
      List<Perturbed> perturbed = perturbed(rebuilt.rows());
      checks.add(withinDeclared(perturbed, declared));
      return new Report(trained, checks, perturbed, declared);
    } finally {
      Publisher.delete(scratch);
    }
  }

  private static ModelEvent find(List<ModelEvent> trail, String id) {
    return trail.stream()
        .filter(e -> e.type() == ModelEvent.Type.TRAINED)
        .filter(e -> e.eventId().equals(id) || id.equals(e.versions().candidate()))
        .reduce((first, second) -> second)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no TRAINED record with event id or candidate version '"
                        + id
                        + "' on the model events topic (scorer models history lists them)"));
  }

  /** The champion the candidate was trained beside, wherever its artifact still is. */
  private Champions.Champion champion(
      Champions champions, String version, FeatureExtractor extractor) {
    Optional<Path> directory =
        champions.directoryOf(version).or(() -> stored(champions.path(), version));
    Path found =
        directory.orElseThrow(
            () ->
                new IllegalArgumentException(
                    "the champion of that time, "
                        + version
                        + ", is neither in "
                        + champions.path()
                        + " nor in its candidate store"));
    ModelArtifact artifact = ModelArtifact.load(found, extractor);
    return new Champions.Champion(
        artifact,
        found.getFileName().toString(),
        ArtifactManifest.read(found).map(ArtifactManifest::digest).orElse(""));
  }

  private static Optional<Path> stored(Path models, String version) {
    Path store = models.resolve(Publisher.CANDIDATES);
    if (!Files.isDirectory(store)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(store)) {
      return entries.filter(p -> p.getFileName().toString().startsWith(version + "-")).findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + store, e);
    }
  }

  private static void compareRecord(
      ModelEvent trained, CandidateBuilder.Built rebuilt, List<Check> checks) {
    ModelEvent.DataCoordinates was = trained.data();
    ModelEvent.DataCoordinates now = rebuilt.data();
    checks.add(check("rows digest", was.rowsDigest(), now.rowsDigest()));
    checks.add(check("counts", was.counts(), now.counts()));
    checks.add(check("held out from", was.holdoutFrom(), now.holdoutFrom()));
    checks.add(check("perturbed by kind", was.perturbedByKind(), now.perturbedByKind()));
    checks.add(check("seeds", was.seeds(), now.seeds()));
    checks.add(check("trainer", was.trainer(), now.trainer()));
    checks.add(check("figures", trained.metrics(), rebuilt.metrics()));
    checks.add(
        check(
            "gates",
            trained.gates().stream().map(g -> g.name() + "=" + g.passed()).toList(),
            rebuilt.gates().stream().map(g -> g.name() + "=" + g.passed()).toList()));
  }

  /** The stored candidate against the rebuilt one: its kept rows and every held-out answer. */
  private void compareStored(
      ModelEvent trained,
      CandidateBuilder.Built rebuilt,
      FeatureExtractor extractor,
      List<Check> checks) {
    Path stored =
        settings
            .places()
            .models()
            .resolve(Publisher.CANDIDATES)
            .resolve(trained.artifact().directory());
    if (!Files.isDirectory(stored)) {
      checks.add(
          new Check(
              "stored candidate",
              false,
              "pruned from the candidate store (candidates.keep)",
              rebuilt.stored().directory().getFileName().toString()));
      return;
    }
    List<TrainingRows.Row> kept = TrainingRows.read(stored, settings.reader());
    List<TrainingRows.Row> again =
        TrainingRows.read(rebuilt.stored().directory(), settings.reader());
    checks.add(
        new Check(
            "training rows (content)",
            kept.equals(again),
            kept.size() + " rows",
            again.size() + " rows" + firstDifference(kept, again)));
    ModelScorer before = new ModelScorer(ModelArtifact.load(stored, extractor));
    ModelScorer after =
        new ModelScorer(ModelArtifact.load(rebuilt.stored().directory(), extractor));
    checks.add(answers("held-out answers", before, after, rebuilt.rows().eval(), extractor));
    checks.add(
        answers(
            "perturbed held-out answers", before, after, rebuilt.rows().messyEval(), extractor));
  }

  private static String firstDifference(List<TrainingRows.Row> a, List<TrainingRows.Row> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) {
        return ", first difference at row " + i + " (" + a.get(i).eventId() + ")";
      }
    }
    return "";
  }

  private static Check answers(
      String name,
      ModelScorer before,
      ModelScorer after,
      List<LabelledRecord> rows,
      FeatureExtractor extractor) {
    double worst = 0;
    long labels = 0;
    for (LabelledRecord row : rows) {
      ScoreResult a = before.score(before.example(row.record(), extractor));
      ScoreResult b = after.score(after.example(row.record(), extractor));
      if (!Objects.equals(a.label(), b.label())) {
        labels++;
      }
      for (Map.Entry<String, Double> score : a.scores().entrySet()) {
        Double other = b.scores().get(score.getKey());
        worst =
            other == null
                ? Double.POSITIVE_INFINITY
                : Math.max(worst, Math.abs(score.getValue() - other));
      }
    }
    return new Check(
        name,
        labels == 0 && worst <= TOLERANCE,
        rows.size() + " rows",
        String.format("%d labels differ, largest score difference %.3g", labels, worst));
  }

  private static Check check(String name, Object recorded, Object rebuilt) {
    return new Check(
        name, Objects.equals(recorded, rebuilt), String.valueOf(recorded), String.valueOf(rebuilt));
  }

  /** Every perturbed row differs from its original in its kind's declared fields only. */
  private static Check withinDeclared(
      List<Perturbed> perturbed, Map<PerturbationKind, List<String>> declared) {
    List<String> outside = new ArrayList<>();
    for (Perturbed row : perturbed) {
      List<String> allowed = declared.getOrDefault(row.kind(), List.of());
      for (String field : changedFields(row.clean(), row.messy())) {
        if (!field.equals(row.field()) || !allowed.contains(field)) {
          outside.add(row.kind().code() + " changed " + field);
        }
      }
    }
    return new Check(
        "perturbations declared",
        outside.isEmpty(),
        perturbed.size() + " rows within " + declared,
        outside.isEmpty()
            ? "none outside"
            : outside.stream().distinct().limit(5).toList().toString());
  }

  /** The fields whose values differ between two records of the same schema. */
  public static List<String> changedFields(GenericRecord a, GenericRecord b) {
    List<String> changed = new ArrayList<>();
    for (Schema.Field field : a.getSchema().getFields()) {
      Object x = a.get(field.pos());
      Object y = b.get(field.pos());
      if (!same(x, y, field.schema())) {
        changed.add(field.name());
      }
    }
    return changed;
  }

  private static boolean same(Object x, Object y, Schema schema) {
    if (x == null || y == null) {
      return x == y;
    }
    try {
      return GenericData.get().compare(x, y, schema) == 0;
    } catch (org.apache.avro.AvroRuntimeException mapsDoNotCompare) {
      return String.valueOf(x).equals(String.valueOf(y));
    }
  }

  private static List<Perturbed> perturbed(CandidateBuilder.Rows rows) {
    List<Perturbed> out = new ArrayList<>();
    for (Perturbations.Change change : rows.perturbed().changes()) {
      out.add(
          new Perturbed(
              rows.clean().get(change.index()).record(),
              rows.perturbed().rows().get(change.index()).record(),
              change.kind(),
              change.field(),
              change.drawn()));
    }
    return out;
  }
}
