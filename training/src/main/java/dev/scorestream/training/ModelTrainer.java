package dev.scorestream.training;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.features.JsonEvents;
import dev.scorestream.model.BaselineProfile;
import dev.scorestream.model.BaselineProfiler;
import dev.scorestream.model.Evaluation;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelMetadata;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.SmokeExample;
import dev.scorestream.model.Task;
import dev.scorestream.schemas.LabelledRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

/**
 * Trains a model artifact from labelled records: stratified held-out split, training with the
 * shared {@link FeatureExtractor}, evaluation on the held-out part, baseline profile of the
 * training part.
 */
public final class ModelTrainer {

  /**
   * @param name model name
   * @param version explicit version, or null to derive it from the provenance hash
   * @param kind trainer
   * @param testFraction share of each label held out for evaluation, in [0, 0.9]
   * @param seed seed for the split and the trainer
   * @param labelField the label's name in the training data (recorded in the metadata)
   */
  public record Options(
      String name,
      String version,
      TrainerKind kind,
      double testFraction,
      long seed,
      String labelField) {

    public Options {
      if (testFraction < 0 || testFraction > 0.9) {
        throw new IllegalArgumentException(
            "test fraction must be in [0, 0.9], got " + testFraction);
      }
    }
  }

  private static final LabelFactory LABELS = new LabelFactory();
  private static final RegressionFactory VALUES = new RegressionFactory();
  static final int SMOKE_EXAMPLES = 20;

  private final FeatureExtractor extractor;
  private final Clock clock;

  public ModelTrainer(FeatureExtractor extractor, Clock clock) {
    this.extractor = extractor;
    this.clock = clock;
  }

  public ModelArtifact train(
      List<LabelledRecord> data, Options options, Consumer<String> progress) {
    return train(split(data, options), options, progress);
  }

  /**
   * The split {@link #train(List, Options, Consumer)} makes: stratified by label for a classifier,
   * random for a regressor, seeded.
   */
  public static Split split(List<LabelledRecord> data, Options options) {
    return options.kind().task() == Task.REGRESSION
        ? randomSplit(data, options.testFraction(), options.seed())
        : stratifiedSplit(data, options.testFraction(), options.seed());
  }

  /**
   * Trains on {@code split.train()} and evaluates on {@code split.test()}, whatever chose them (a
   * random split, or an out-of-time one that holds out the newest examples).
   */
  public ModelArtifact train(Split split, Options options, Consumer<String> progress) {
    int rows = split.train().size() + split.test().size();
    if (rows < 10) {
      throw new IllegalArgumentException("need at least 10 labelled records to train, got " + rows);
    }
    Task task = options.kind().task();
    if (task == Task.CLASSIFICATION
        && split.train().stream().map(LabelledRecord::label).distinct().count() < 2) {
      throw new IllegalArgumentException("training data has fewer than 2 distinct labels");
    }
    progress.accept(
        String.format(
            "training %s on %,d records (%,d held out) with %s",
            options.name(), split.train().size(), split.test().size(), options.kind().code()));
    Model<?> model =
        task == Task.REGRESSION
            ? trainRegressor(split.train(), options)
            : trainClassifier(split.train(), options);
    Evaluation evaluation =
        split.test().isEmpty()
            ? null
            : task == Task.REGRESSION
                ? evaluateRegression(model, split.test())
                : evaluate(model, split.test());
    if (evaluation != null) {
      progress.accept(describe(task, evaluation));
    }
    String hash = ModelArtifact.provenanceHash(model);
    String version =
        options.version() == null || options.version().isBlank()
            ? hash.substring(0, 12)
            : options.version();
    List<GenericRecord> trainRecords = split.train().stream().map(LabelledRecord::record).toList();
    List<String> trainLabels = split.train().stream().map(LabelledRecord::label).toList();
    List<String> labels =
        task == Task.REGRESSION ? List.of() : new ArrayList<>(new TreeSet<>(trainLabels));
    ModelMetadata metadata =
        new ModelMetadata(
            ModelMetadata.FORMAT_VERSION,
            options.name(),
            version,
            clock.instant(),
            hash,
            extractor.schema().getFullName(),
            ModelArtifact.fingerprint(extractor.schema()),
            options.kind().code(),
            task.code(),
            options.labelField(),
            labels,
            model.getFeatureIDMap().size(),
            split.train().size(),
            evaluation);
    ModelScorer scorer = new ModelScorer(new ModelArtifact(null, model, metadata, null, List.of()));
    // Prediction drift compares live predictions with what this model predicted on its training
    // data.
    List<String> predictedLabels =
        task == Task.REGRESSION
            ? List.of()
            : trainRecords.stream()
                .map(record -> scorer.score(extractor.extract(record)).label())
                .toList();
    BaselineProfile baseline = BaselineProfiler.profile(extractor, trainRecords, predictedLabels);
    return new ModelArtifact(
        null,
        model,
        metadata,
        baseline,
        smoke(scorer, split.test().isEmpty() ? split.train() : split.test()));
  }

  private static String describe(Task task, Evaluation evaluation) {
    return task == Task.REGRESSION
        ? String.format(
            "held-out RMSE %.4f, MAE %.4f, R² %.4f on %,d records",
            evaluation.rmse(), evaluation.mae(), evaluation.r2(), evaluation.testExamples())
        : String.format(
            "held-out accuracy %.4f, log loss %.4f on %,d records",
            evaluation.accuracy(), evaluation.logLoss(), evaluation.testExamples());
  }

  /** The first rows with the model's answers, which every loader checks it reproduces. */
  private List<SmokeExample> smoke(ModelScorer scorer, List<LabelledRecord> rows) {
    return rows.stream()
        .limit(SMOKE_EXAMPLES)
        .map(
            row -> {
              ScoreResult result = scorer.score(extractor.extract(row.record()));
              return new SmokeExample(
                  JsonEvents.toJson(row.record()), result.label(), result.scores());
            })
        .toList();
  }

  private Model<Label> trainClassifier(List<LabelledRecord> rows, Options options) {
    MutableDataset<Label> dataset =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("scorestream-training", LABELS), LABELS);
    for (LabelledRecord row : rows) {
      dataset.add(extractor.extract(row.record(), new Label(row.label())));
    }
    Model<Label> trained =
        options.kind().classifier(varying(dataset), options.seed()).train(dataset);
    // A fresh model's provenance prints differently from the same model read back from protobuf;
    // round-trip once so the hash in the metadata is the one every later load computes.
    return Model.deserialize(trained.serialize()).castModel(Label.class);
  }

  /**
   * The scalar features whose values vary in {@code dataset}: only those are standardized. A
   * feature with one value throughout (a flag never set, a table that has a row for everyone) has
   * no spread to divide by, and would make every example NaN. Read from the examples themselves:
   * Tribuo's feature statistics leave out the zeros an example holds.
   */
  private List<String> varying(Dataset<?> dataset) {
    Set<String> scalar = extractor.scalarFeatureNames();
    Map<String, double[]> range = new HashMap<>();
    for (Example<?> example : dataset) {
      for (Feature feature : example) {
        if (scalar.contains(feature.getName())) {
          double[] minMax =
              range.computeIfAbsent(
                  feature.getName(),
                  n -> new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
          minMax[0] = Math.min(minMax[0], feature.getValue());
          minMax[1] = Math.max(minMax[1], feature.getValue());
        }
      }
    }
    List<String> names = new ArrayList<>();
    range.forEach(
        (name, minMax) -> {
          if (minMax[1] > minMax[0]) {
            names.add(name);
          }
        });
    Collections.sort(names);
    return names;
  }

  private Model<Regressor> trainRegressor(List<LabelledRecord> rows, Options options) {
    MutableDataset<Regressor> dataset =
        new MutableDataset<>(
            new SimpleDataSourceProvenance("scorestream-training", VALUES), VALUES);
    for (LabelledRecord row : rows) {
      dataset.add(
          extractor.extract(row.record(), new Regressor(Regressor.DEFAULT_NAME, target(row))));
    }
    Model<Regressor> trained =
        options.kind().regressor(varying(dataset), options.seed()).train(dataset);
    return Model.deserialize(trained.serialize()).castModel(Regressor.class);
  }

  /** A regression target: the label parsed as a finite number. */
  static double target(LabelledRecord row) {
    double value;
    try {
      value = Double.parseDouble(row.label());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "regression needs numeric labels, got '" + row.label() + "'");
    }
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("regression needs finite labels, got " + row.label());
    }
    return value;
  }

  /** RMSE, MAE and R² of a regression model on {@code test}. */
  Evaluation evaluateRegression(Model<?> model, List<LabelledRecord> test) {
    ModelScorer scorer =
        new ModelScorer(new ModelArtifact(null, model, regressionMetadata(), null, List.of()));
    double sumSquared = 0;
    double sumAbsolute = 0;
    double mean = test.stream().mapToDouble(ModelTrainer::target).average().orElse(0);
    double totalSquares = 0;
    for (LabelledRecord row : test) {
      double truth = target(row);
      double predicted =
          scorer.score(extractor.extract(row.record())).scores().get(ModelScorer.VALUE);
      sumSquared += (predicted - truth) * (predicted - truth);
      sumAbsolute += Math.abs(predicted - truth);
      totalSquares += (truth - mean) * (truth - mean);
    }
    int n = test.size();
    double r2 = totalSquares == 0 ? 0 : 1 - sumSquared / totalSquares;
    return Evaluation.regression(n, Math.sqrt(sumSquared / n), sumAbsolute / n, r2);
  }

  private static ModelMetadata regressionMetadata() {
    return new ModelMetadata(
        ModelMetadata.FORMAT_VERSION,
        "evaluation",
        "evaluation",
        null,
        "",
        "",
        "",
        "",
        Task.REGRESSION.code(),
        "",
        List.of(),
        0,
        0,
        null);
  }

  /**
   * Accuracy, log loss, per-class precision/recall/F1 and the confusion matrix of {@code model} on
   * {@code test}.
   */
  public Evaluation evaluate(Model<?> untyped, List<LabelledRecord> test) {
    return evaluate(untyped, test, record -> extractor.extract(record));
  }

  private Evaluation evaluate(
      Model<?> untyped,
      List<LabelledRecord> test,
      Function<GenericRecord, Example<Label>> features) {
    @SuppressWarnings("unchecked")
    Model<Label> model = (Model<Label>) untyped;
    Map<String, Map<String, Long>> confusion = new TreeMap<>();
    double logLoss = 0;
    long correct = 0;
    for (LabelledRecord row : test) {
      Prediction<Label> prediction = model.predict(features.apply(row.record()));
      String predicted = prediction.getOutput().getLabel();
      confusion.computeIfAbsent(row.label(), k -> new TreeMap<>()).merge(predicted, 1L, Long::sum);
      if (predicted.equals(row.label())) {
        correct++;
      }
      Label truth = prediction.getOutputScores().get(row.label());
      double p = truth == null ? 0.0 : truth.getScore();
      logLoss -= Math.log(Math.min(1.0, Math.max(1e-15, p)));
    }
    Map<String, Evaluation.ClassMetrics> perClass = new TreeMap<>();
    TreeSet<String> labels = new TreeSet<>(confusion.keySet());
    confusion.values().forEach(row -> labels.addAll(row.keySet()));
    for (String label : labels) {
      long tp = confusion.getOrDefault(label, Map.of()).getOrDefault(label, 0L);
      long support =
          confusion.getOrDefault(label, Map.of()).values().stream()
              .mapToLong(Long::longValue)
              .sum();
      long predictedAs =
          confusion.values().stream().mapToLong(row -> row.getOrDefault(label, 0L)).sum();
      double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
      double recall = support == 0 ? 0 : (double) tp / support;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      perClass.put(label, new Evaluation.ClassMetrics(precision, recall, f1, support));
    }
    return Evaluation.classification(
        test.size(), (double) correct / test.size(), logLoss / test.size(), perClass, confusion);
  }

  /** Rows to train on and rows held out to evaluate on. */
  public record Split(List<LabelledRecord> train, List<LabelledRecord> test) {}

  /**
   * The rows {@link #train} holds out for evaluation with these options: the same split, the same
   * seed.
   */
  public List<LabelledRecord> heldOut(List<LabelledRecord> data, Options options) {
    return (options.kind().task() == Task.REGRESSION
            ? randomSplit(data, options.testFraction(), options.seed())
            : stratifiedSplit(data, options.testFraction(), options.seed()))
        .test();
  }

  /**
   * Any artifact's quality on {@code rows}, by its task: so an old model and a new one meet the
   * same data.
   */
  public Evaluation evaluate(ModelArtifact artifact, List<LabelledRecord> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no held-out rows to evaluate on");
    }
    return artifact.task() == Task.REGRESSION
        ? evaluateRegression(artifact.model(), rows)
        : evaluate(artifact.model(), rows, scorerFeatures(artifact));
  }

  /**
   * The examples {@code artifact}'s model is fed: its feature spec's columns, or the extractor's.
   */
  private Function<GenericRecord, Example<Label>> scorerFeatures(ModelArtifact artifact) {
    ModelScorer scorer = new ModelScorer(artifact);
    return record -> scorer.example(record, extractor);
  }

  /**
   * Which of two evaluations on the same rows is better: classification by accuracy, then log loss;
   * regression by RMSE. Positive when {@code candidate} is better, negative when worse, 0 for a
   * tie.
   */
  public static int compare(Evaluation candidate, Evaluation incumbent) {
    if (candidate.rmse() != null && incumbent.rmse() != null) {
      return Double.compare(incumbent.rmse(), candidate.rmse());
    }
    int byAccuracy = Double.compare(candidate.accuracy(), incumbent.accuracy());
    return byAccuracy != 0 ? byAccuracy : Double.compare(incumbent.logLoss(), candidate.logLoss());
  }

  /**
   * Holds out {@code fraction} of the records at random (regression: labels are numbers, not
   * classes).
   */
  static Split randomSplit(List<LabelledRecord> data, double fraction, long seed) {
    List<LabelledRecord> rows = new ArrayList<>(data);
    Collections.shuffle(rows, new Random(seed));
    int held = (int) Math.round(rows.size() * fraction);
    return new Split(rows.subList(held, rows.size()), rows.subList(0, held));
  }

  /** Holds out {@code fraction} of each label, so rare labels appear in both parts. */
  static Split stratifiedSplit(List<LabelledRecord> data, double fraction, long seed) {
    Map<String, List<LabelledRecord>> byLabel = new LinkedHashMap<>();
    data.forEach(row -> byLabel.computeIfAbsent(row.label(), k -> new ArrayList<>()).add(row));
    Random random = new Random(seed);
    List<LabelledRecord> train = new ArrayList<>();
    List<LabelledRecord> test = new ArrayList<>();
    for (List<LabelledRecord> rows : new TreeMap<>(byLabel).values()) {
      Collections.shuffle(rows, random);
      int held = (int) Math.round(rows.size() * fraction);
      if (fraction > 0 && held == 0 && rows.size() > 1) {
        held = 1;
      }
      test.addAll(rows.subList(0, held));
      train.addAll(rows.subList(held, rows.size()));
    }
    Collections.shuffle(train, random);
    return new Split(train, test);
  }
}
