package dev.scorestream.evolution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.JsonProperties;

/** Field defaults ({@code Schema.Field.defaultVal()}) as JSON text and compared by value. */
final class DefaultValues {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DefaultValues() {}

  static String json(Object defaultValue) {
    try {
      return JSON.writeValueAsString(
          defaultValue == JsonProperties.NULL_VALUE ? null : defaultValue);
    } catch (JsonProcessingException e) {
      return String.valueOf(defaultValue);
    }
  }

  /**
   * Whether two defaults are the same value. Numbers compare by value (Avro parses {@code 0} as an
   * Integer and {@code 0.0} as a Double, the same default for a double field); everything else by
   * its JSON, since a bytes default is a {@code byte[]}, which has no value equality.
   */
  static boolean same(Object one, Object other) {
    if (one instanceof Number a && other instanceof Number b) {
      return Double.compare(a.doubleValue(), b.doubleValue()) == 0;
    }
    return json(one).equals(json(other));
  }
}
