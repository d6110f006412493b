/**
 * Reading labelled training data (Avro container files, CSV) onto the reader schema, through the
 * same sanitation and rules the stream applies, so training sees what serving sees.
 */
package dev.scorestream.training;
