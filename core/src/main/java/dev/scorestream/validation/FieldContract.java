package dev.scorestream.validation;

import java.util.Set;
import org.apache.avro.Schema;

/**
 * What the reader schema promises about one field, read only: its type, whether it may be null or
 * has a default, and the rules and sanitation declared on it. Code outside validation (the
 * retraining loop's perturbations, which must only make values the stream would accept) reads the
 * contract here instead of re-parsing the {@code rules} and {@code sanitize} properties.
 *
 * @param type the field's type, the non-null branch of a {@code ["null", T]} union
 * @param nullable the field's type is a union with null
 * @param hasDefault the schema declares a default, which Avro resolution gives a record whose
 *     writer lacked the field
 * @param defaultValue the default as the Java value a record holds (null for a null default, or
 *     when there is none)
 * @param allowed the values a string or enum may take, or null when any
 * @param caseFold the case sanitation folds text to
 */
public record FieldContract(
    String field,
    Schema.Type type,
    boolean required,
    boolean nullable,
    boolean hasDefault,
    Object defaultValue,
    Set<String> allowed,
    Double min,
    Double max,
    Integer minLength,
    Integer maxLength,
    boolean trim,
    Case caseFold) {

  /** The case a string field is folded to before its rules are checked. */
  public enum Case {
    NONE,
    UPPER,
    LOWER
  }

  /** Whether sanitation changes text of this field (trims it or folds its case). */
  public boolean sanitizesText() {
    return trim || caseFold != Case.NONE;
  }
}
