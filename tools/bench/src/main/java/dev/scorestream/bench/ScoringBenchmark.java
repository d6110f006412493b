package dev.scorestream.bench;

import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.features.FeatureExtractor;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.model.ModelScorer;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.serving.ActiveModel;
import dev.scorestream.serving.EventScorer;
import dev.scorestream.validation.RecordValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;

/**
 * Scoring cost per record: wire-format bytes to a score (decode, sanitize, rules, features,
 * predict) against Tribuo's own {@code predict} on the same events, already turned into examples.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScoringBenchmark {

  static final int EVENTS = 1024;

  private byte[][] wire;
  private GenericRecord[] records;
  private Example<Label>[] examples;
  private RecordValidator validator;
  private FeatureExtractor extractor;
  private ModelScorer modelScorer;
  private WireFormatDecoder decoder;
  private EventScorer scorer;
  private Model<Label> model;
  private int next;

  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws IOException {
    Schema reader = Contracts.paymentEvent();
    Path dir = Files.createTempDirectory("bench-model");
    ModelArtifact artifact = Workload.trainModel(dir.resolve("model"));
    extractor = FeatureExtractor.forSchema(reader);
    validator = RecordValidator.forSchema(reader);
    modelScorer = new ModelScorer(artifact);
    model = (Model<Label>) artifact.model();
    scorer = new EventScorer(validator, extractor, new ActiveModel(modelScorer));
    decoder =
        new WireFormatDecoder(
            reader,
            id -> {
              if (id != 1) {
                throw new SchemaNotFoundException(id, "unknown id " + id);
              }
              return reader;
            });
    WireFormatEncoder encoder = new WireFormatEncoder(reader, 1);
    PaymentGenerator generator = new PaymentGenerator(reader, 7);
    wire = new byte[EVENTS][];
    records = new GenericRecord[EVENTS];
    examples = new Example[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      var record = generator.next(1_764_000_000_000L + i).record();
      wire[i] = encoder.encode(record);
      records[i] = record;
      examples[i] = extractor.extract(record);
    }
  }

  /** Decode + sanitize + rules + features + predict, as the stream does per record. */
  @Benchmark
  public EventScorer.Evaluated scoreFromWireBytes() {
    DecodeResult decoded = decoder.decode(wire[next++ & (EVENTS - 1)]);
    return scorer.evaluate(((DecodeResult.Decoded) decoded).record());
  }

  /** Tribuo's predict alone, on examples extracted beforehand. */
  @Benchmark
  public Prediction<Label> rawTribuoPredict() {
    return model.predict(examples[next++ & (EVENTS - 1)]);
  }

  // The steps of scoreFromWireBytes, one at a time; ./scorer bench runs only the two above. Run
  // these
  // with: java -cp tools/bench/target/bench.jar org.openjdk.jmh.Main 'ScoringBenchmark.step' -f 1

  /** Step 1: wire bytes to a reader-schema record. */
  @Benchmark
  public DecodeResult stepDecode() {
    return decoder.decode(wire[next++ & (EVENTS - 1)]);
  }

  /** Steps 1 and 2: decode, then sanitize and check the field rules. */
  @Benchmark
  public Object stepDecodeAndRules() {
    DecodeResult decoded = decoder.decode(wire[next++ & (EVENTS - 1)]);
    return validator.sanitizeAndValidate(((DecodeResult.Decoded) decoded).record());
  }

  /** Step 3: a record to a Tribuo example. */
  @Benchmark
  public Example<Label> stepFeatures() {
    return extractor.extract(records[next++ & (EVENTS - 1)]);
  }

  /** Step 4: predict, with the answer's score map. */
  @Benchmark
  public Object stepPredict() {
    return modelScorer.score(examples[next++ & (EVENTS - 1)]);
  }
}
