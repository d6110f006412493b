/** The Avro contracts shipped in this module ({@code src/main/avro}) and how to load them. */
package dev.scorestream.schemas;
