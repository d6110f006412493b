package dev.scorestream.registry;

import org.apache.avro.Schema;

/**
 * One version registered under a subject: its number, the schema id the wire format carries, and
 * the writer schema.
 */
public record SubjectVersion(String subject, int version, int id, Schema schema) {}
