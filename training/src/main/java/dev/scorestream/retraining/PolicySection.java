package dev.scorestream.retraining;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.scorestream.settings.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One object of the policy file being read, with its key path, so that every error names the file,
 * the full key and the value that was refused: {@code policy.json: gates.shadow.alpha: must be in
 * (0, 0.5], got 0.7}. A missing section reads as an empty one, so defaults apply.
 */
final class PolicySection {

  /** An interval a number must fall in, and how to say so. */
  record Range(double low, boolean lowIncluded, double high, boolean highIncluded) {

    static final Range ANY =
        new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

    static Range closed(double low, double high) {
      return new Range(low, true, high, true);
    }

    static Range openClosed(double low, double high) {
      return new Range(low, false, high, true);
    }

    static Range atLeast(double low) {
      return new Range(low, true, Double.POSITIVE_INFINITY, false);
    }

    static Range above(double low) {
      return new Range(low, false, Double.POSITIVE_INFINITY, false);
    }

    boolean contains(double value) {
      return (lowIncluded ? value >= low : value > low)
          && (highIncluded ? value <= high : value < high);
    }

    String rule() {
      if (high == Double.POSITIVE_INFINITY) {
        return (lowIncluded ? "must be at least " : "must be above ") + number(low);
      }
      return "must be in "
          + (lowIncluded ? "[" : "(")
          + number(low)
          + ", "
          + number(high)
          + (highIncluded ? "]" : ")");
    }

    private static String number(double value) {
      return value == Math.rint(value) && Math.abs(value) < 1e15
          ? Long.toString((long) value)
          : Double.toString(value);
    }
  }

  private final String source;
  private final String path;
  private final JsonNode node;

  private PolicySection(String source, String path, JsonNode node) {
    this.source = source;
    this.path = path;
    this.node = node;
  }

  /** The document's root, which must be a JSON object. */
  static PolicySection root(String source, JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          source + ": a policy is a JSON object, got " + (node == null ? "nothing" : node));
    }
    return new PolicySection(source, "", node);
  }

  /** Whether the file declares this section at all. */
  boolean declared() {
    return !node.isMissingNode();
  }

  boolean has(String key) {
    return node.has(key);
  }

  /** The full key path of {@code key} in this section. */
  String where(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** An error about {@code key}: the file, the key path, what is wanted and what was found. */
  IllegalArgumentException invalid(String key, String rule, Object got) {
    return new IllegalArgumentException(source + ": " + where(key) + ": " + rule + ", got " + got);
  }

  /** An error about {@code key} that needs no value quoted. */
  IllegalArgumentException invalid(String key, String problem) {
    return new IllegalArgumentException(source + ": " + where(key) + ": " + problem);
  }

  /** An error about this section as a whole. */
  IllegalArgumentException problem(String message) {
    return new IllegalArgumentException(
        source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
  }

  /** Refuses any key not in {@code known}, listing the known ones (a typo must not go unread). */
  PolicySection allow(String... known) {
    Set<String> allowed = new TreeSet<>(List.of(known));
    List<String> unknown = new ArrayList<>();
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!allowed.contains(name)) {
                unknown.add(name);
              }
            });
    if (!unknown.isEmpty()) {
      throw problem(
          "unknown key"
              + (unknown.size() > 1 ? "s " : " ")
              + String.join(", ", unknown)
              + "; known: "
              + String.join(", ", allowed));
    }
    return this;
  }

  /** A nested object; missing reads as empty. */
  PolicySection section(String key) {
    JsonNode child = node.get(key);
    if (child == null || child.isNull()) {
      return new PolicySection(source, where(key), MissingNode.getInstance());
    }
    if (!child.isObject()) {
      throw invalid(key, "must be an object", child);
    }
    return new PolicySection(source, where(key), child);
  }

  String text(String key, String fallback) {
    JsonNode value = node.get(key);
    if (value == null) {
      if (fallback == null) {
        throw invalid(key, "is required");
      }
      return fallback;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw invalid(key, "must be a non-blank string", value);
    }
    return value.asText();
  }

  boolean flag(String key, boolean fallback) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw invalid(key, "must be true or false", value);
    }
    return value.asBoolean();
  }

  long whole(String key, long fallback, Range range) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw invalid(key, "must be a whole number", value);
    }
    if (!range.contains(value.asLong())) {
      throw invalid(key, range.rule(), value);
    }
    return value.asLong();
  }

  int wholeInt(String key, int fallback, int low, int high) {
    return (int) whole(key, fallback, Range.closed(low, high));
  }

  double decimal(String key, double fallback, Range range) {
    Double value = optionalDecimal(key, range);
    return value == null ? fallback : value;
  }

  /** A number that may be left out: null then. */
  Double optionalDecimal(String key, Range range) {
    JsonNode value = node.get(key);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      throw invalid(key, "must be a number", value);
    }
    if (!range.contains(value.asDouble())) {
      throw invalid(key, range.rule(), value);
    }
    return value.asDouble();
  }

  /** A duration in {@link Durations} syntax, at least {@code min}. */
  Duration duration(String key, Duration fallback, Duration min) {
    JsonNode value = node.get(key);
    if (value == null) {
      if (fallback == null) {
        throw invalid(key, "is required");
      }
      return fallback;
    }
    Duration duration;
    try {
      duration = Durations.parse(value.isTextual() ? value.asText() : value.toString());
    } catch (IllegalArgumentException e) {
      throw invalid(key, e.getMessage());
    }
    if (duration.compareTo(min) < 0) {
      throw invalid(key, "must be at least " + describe(min), value);
    }
    return duration;
  }

  Instant instant(String key, Instant fallback) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Instant.parse(value.asText());
    } catch (DateTimeParseException e) {
      throw invalid(key, "must be an ISO-8601 instant such as 2024-01-01T00:00:00Z", value);
    }
  }

  /** One of the named choices. */
  <E> E choice(String key, E fallback, Map<String, E> choices) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    E chosen = value.isTextual() ? choices.get(value.asText()) : null;
    if (chosen == null) {
      throw invalid(
          key, "must be one of " + String.join(", ", new TreeSet<>(choices.keySet())), value);
    }
    return chosen;
  }

  /** A non-empty list of distinct non-blank strings. */
  List<String> texts(String key, List<String> fallback) {
    JsonNode value = node.get(key);
    if (value == null) {
      return fallback;
    }
    if (!value.isArray() || value.isEmpty()) {
      throw invalid(key, "must be a non-empty list of names", value);
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode item : value) {
      if (!item.isTextual() || item.asText().isBlank() || texts.contains(item.asText())) {
        throw invalid(key, "must hold distinct non-blank names", value);
      }
      texts.add(item.asText());
    }
    return List.copyOf(texts);
  }

  /** The raw value of {@code key}, or null: for keys that take more than one shape. */
  JsonNode raw(String key) {
    return node.get(key);
  }

  private static String describe(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }
}
