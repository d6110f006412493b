package dev.scorestream.retraining;

/**
 * The ways a training row is made messy, as production data is: a field gone missing, a number
 * scaled or jittered, a category never seen, a string with the padding and case that sanitation
 * undoes. Each is declared under {@code perturb.kinds} in the policy by its {@link #code()}.
 */
public enum PerturbationKind {
  /** An optional field left out: null, or the schema's default. */
  MISSING("missing"),
  /** A numeric feature scaled (log-uniform) and jittered (Gaussian). */
  NUMBERS("numbers"),
  /** A free-text categorical feature given a value the champion never saw. */
  UNSEEN_CATEGORIES("unseenCategories"),
  /** A sanitized string padded and case-flipped; sanitation must restore it. */
  MESSY_STRINGS("messyStrings");

  private final String code;

  PerturbationKind(String code) {
    this.code = code;
  }

  /** The key under {@code perturb.kinds}. */
  public String code() {
    return code;
  }
}
