package dev.scorestream.model;

import java.util.Locale;

/** What a model predicts: a label from a fixed set, or a number. */
public enum Task {
  CLASSIFICATION,
  REGRESSION;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The task named in metadata; artifacts written before the field existed are classification
   * models.
   */
  public static Task of(String code) {
    return code == null || code.isBlank()
        ? CLASSIFICATION
        : valueOf(code.trim().toUpperCase(Locale.ROOT));
  }
}
