package dev.scorestream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;

/**
 * Loads the Avro contracts bundled under {@code avro/} in this jar, or a reader schema from a file.
 */
public final class Contracts {

  public static final String PAYMENT_EVENT = "PaymentEvent.avsc";
  public static final String PREDICTION = "Prediction.avsc";
  public static final String LABEL_FEEDBACK = "LabelFeedback.avsc";
  public static final String DRIFT_REPORT = "DriftReport.avsc";
  public static final String PERFORMANCE_REPORT = "PerformanceReport.avsc";
  public static final String MODEL_EVENT = "ModelEvent.avsc";
  public static final String SCHEMA_CHANGE = "SchemaChange.avsc";

  private Contracts() {}

  /** The demo reader schema for card payments, with its field rules. */
  public static Schema paymentEvent() {
    return bundled(PAYMENT_EVENT);
  }

  public static Schema prediction() {
    return bundled(PREDICTION);
  }

  /** A label learned later for one event ({@code events.labels}). */
  public static Schema labelFeedback() {
    return bundled(LABEL_FEEDBACK);
  }

  /** One closed drift window ({@code events.drift}). */
  public static Schema driftReport() {
    return bundled(DRIFT_REPORT);
  }

  /** Live model quality of one label window ({@code events.performance}). */
  public static Schema performanceReport() {
    return bundled(PERFORMANCE_REPORT);
  }

  /** One decision of the retraining loop ({@code model-events}). */
  public static Schema modelEvent() {
    return bundled(MODEL_EVENT);
  }

  /**
   * One new writer schema of an input or labels subject, analysed against the reader schema and
   * what it does to the serving models ({@code schema-changes}, compacted, keyed by {@code
   * <subject>/<schema id>}).
   */
  public static Schema schemaChange() {
    return bundled(SCHEMA_CHANGE);
  }

  /** A bundled contract by file name, e.g. {@code Prediction.avsc}. */
  public static Schema bundled(String fileName) {
    return fromClasspath("/avro/" + fileName);
  }

  /**
   * An .avsc on the classpath, by absolute resource path such as {@code
   * /samples/PaymentEvent-v2.avsc}.
   */
  public static Schema fromClasspath(String resource) {
    try (InputStream in = Contracts.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no schema resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema resource " + resource, e);
    }
  }

  /** Parses an .avsc file; the message names the file on failure. */
  public static Schema fromFile(Path path) {
    try {
      return new Schema.Parser().parse(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema file " + path, e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "schema file " + path + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }
}
