/**
 * Making models: the trainers and their held-out evaluation, labelled data read onto the reader
 * schema through the same sanitation and rules the stream applies (Avro and CSV files, the training
 * topic), the feature backfill of a topic, and the feature matrix {@code scorer export} writes. So
 * training sees what serving sees.
 */
package dev.scorestream.training;
