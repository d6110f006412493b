package dev.scorestream.model;

import java.time.Instant;
import java.util.List;

/**
 * What a model artifact says about itself ({@code metadata.json}).
 *
 * @param formatVersion artifact layout version, {@link #FORMAT_VERSION}
 * @param name model name, e.g. {@code fraud}
 * @param version the version every prediction names; by default derived from the provenance hash
 * @param createdAt when it was trained
 * @param provenanceHash SHA-256 of the Tribuo model provenance; checked on load
 * @param readerSchemaName full name of the reader schema it was trained on
 * @param readerSchemaFingerprint SHA-256 parsing fingerprint of that schema
 * @param trainer trainer used, e.g. {@code logistic}
 * @param task classification or regression (null in older artifacts: classification)
 * @param labelField name of the label column/field in the training data
 * @param labels the labels the model predicts
 * @param featureCount number of features the model knows
 * @param trainingExamples examples used for training (without the held-out split)
 * @param evaluation quality on the held-out split
 */
public record ModelMetadata(
    int formatVersion,
    String name,
    String version,
    Instant createdAt,
    String provenanceHash,
    String readerSchemaName,
    String readerSchemaFingerprint,
    String trainer,
    String task,
    String labelField,
    List<String> labels,
    int featureCount,
    int trainingExamples,
    Evaluation evaluation) {

  public static final int FORMAT_VERSION = 1;
}
