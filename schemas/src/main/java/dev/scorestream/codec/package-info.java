/**
 * The Confluent wire format: byte 0 is the magic byte {@code 0}, bytes 1-4 the big-endian schema
 * id, the rest Avro binary. {@link dev.scorestream.codec.WireFormatDecoder} decodes it onto a
 * reader schema (Avro schema resolution) and returns every data problem as a {@link
 * dev.scorestream.codec.DecodeResult} value; only registry outages are thrown.
 */
package dev.scorestream.codec;
