package dev.scorestream.schemas;

import org.apache.avro.generic.GenericRecord;

/**
 * A record on the reader schema with its true label: one training example before feature
 * extraction.
 */
public record LabelledRecord(GenericRecord record, String label) {}
