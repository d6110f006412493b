package dev.scorestream.bench;

import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.lab.ExternalModels;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelMetadata;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.model.ScoreResult;
import dev.scorestream.model.Task;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.LabelledRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/**
 * An XGBoost classifier like the bench's lab row (100 trees, depth 6, binary:logistic, on the
 * payments' features), per row, three ways: the trees evaluated in Java as the scorer serves them;
 * Tribuo's native path on a batch of {@value #BATCH} (what the stream's micro-batch paid: examples
 * to sparse vectors, a CSR matrix, the JNI predict, the answers); and the bare booster on a dense
 * float matrix of the same batch, the floor of the native path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class XGBoostBenchmark {

  static final int BATCH = 256;
  static final int TRAINING_ROWS = 20_000;

  private List<Example<Label>> examples;
  private float[] dense;
  private int columns;
  private ModelScorer javaTrees;
  private Model<Label> nativeModel;
  private Booster booster;
  private int next;

  @Setup
  public void setUp() throws Exception {
    FeatureExtractor extractor = FeatureExtractor.forSchema(Contracts.paymentEvent());
    PaymentGenerator generator = new PaymentGenerator(Contracts.paymentEvent(), 11);
    List<Example<Label>> rows = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    for (int i = 0; i < TRAINING_ROWS; i++) {
      LabelledRecord labelled = generator.next(1_764_000_000_000L + i * 1000L);
      rows.add(extractor.extract(labelled.record()));
      truth.add(labelled.label());
    }
    TreeSet<String> names = new TreeSet<>();
    rows.forEach(row -> row.forEach(feature -> names.add(feature.getName())));
    List<String> columnNames = List.copyOf(names);
    columns = columnNames.size();
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < columns; c++) {
      index.put(columnNames.get(c), c);
    }
    float[] matrix = denseRows(rows, index);
    float[] labels = new float[TRAINING_ROWS];
    for (int i = 0; i < TRAINING_ROWS; i++) {
      labels[i] = PaymentGenerator.FRAUD.equals(truth.get(i)) ? 1 : 0;
    }
    Path file = Files.createTempDirectory("bench-xgboost").resolve("booster.json");
    DMatrix training = new DMatrix(matrix, TRAINING_ROWS, columns, Float.NaN);
    training.setLabel(labels);
    Map<String, Object> params =
        Map.of("objective", "binary:logistic", "max_depth", 6, "eta", 0.1, "nthread", 1);
    Booster trained = XGBoost.train(training, params, 100, Map.of(), null, null);
    trained.saveModel(file.toString());
    training.dispose();
    trained.dispose();
    booster = XGBoost.loadModel(file.toString());
    nativeModel =
        ExternalModels.load(
            ExternalModels.Kind.XGBOOST,
            file,
            columnNames,
            List.of(PaymentGenerator.LEGIT, PaymentGenerator.FRAUD));
    javaTrees = new ModelScorer(artifact(nativeModel, columns));
    if (javaTrees.batchHungry()) {
      throw new IllegalStateException("the booster's trees did not load in Java");
    }
    examples = rows.subList(0, BATCH * 4);
    dense = denseRows(examples.subList(0, BATCH), index);
  }

  private static float[] denseRows(List<Example<Label>> rows, Map<String, Integer> index) {
    float[] matrix = new float[rows.size() * index.size()];
    Arrays.fill(matrix, Float.NaN);
    for (int r = 0; r < rows.size(); r++) {
      for (Feature feature : rows.get(r)) {
        matrix[r * index.size() + index.get(feature.getName())] = (float) feature.getValue();
      }
    }
    return matrix;
  }

  private static ModelArtifact artifact(Model<Label> model, int columns) {
    ModelMetadata metadata =
        new ModelMetadata(
            ModelMetadata.FORMAT_VERSION,
            "bench-xgboost",
            "v1",
            Instant.EPOCH,
            "bench",
            Contracts.paymentEvent().getFullName(),
            "bench",
            "xgboost (imported)",
            Task.CLASSIFICATION.code(),
            "label",
            List.of(PaymentGenerator.LEGIT, PaymentGenerator.FRAUD),
            columns,
            TRAINING_ROWS,
            null);
    return new ModelArtifact(null, model, metadata, null, List.of());
  }

  @TearDown
  public void tearDown() {
    booster.dispose();
  }

  /** The trees in Java, one row, as the stream and a single-row request score it. */
  @Benchmark
  public ScoreResult javaTreesPerRow() {
    return javaTrees.score(examples.get(next++ & (BATCH * 4 - 1)));
  }

  /** Tribuo's native path on a batch, per row: what a micro-batched record cost. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public List<Prediction<Label>> tribuoNativeBatch() {
    return nativeModel.predict(examples.subList(0, BATCH));
  }

  /** The bare booster on a dense float matrix of the same batch, per row. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public float[][] boosterDenseBatch() throws XGBoostError {
    DMatrix matrix = new DMatrix(dense, BATCH, columns, Float.NaN);
    try {
      return booster.predict(matrix);
    } finally {
      matrix.dispose();
    }
  }
}
