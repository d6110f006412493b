package dev.scorestream.retraining;

import java.util.Arrays;

/**
 * The shadow's evidence, accumulated one labelled event at a time: for each event both models
 * scored, who got it right and the per-pair difference {@code d = loss(champion) -
 * loss(challenger)} (positive when the challenger did better). Events the challenger could not
 * score are counted apart: they are not pairs, but too many of them reject the challenger.
 *
 * <ul>
 *   <li>Classification ({@link #forClassification}): the loss is the log loss of the true label,
 *       {@code -ln(max(1e-15, p))}, and the right-or-wrong counts feed McNemar's test.
 *   <li>Regression ({@link #forRegression}): the loss is the squared error; there is no right or
 *       wrong, so the counts other than {@code paired} stay 0 and only the bootstrap applies.
 * </ul>
 *
 * Eight bytes per pair. Reading the same events in the same order gives the same state, so a
 * restarted controller that re-reads from the shadow's start offsets reaches the same verdicts. Not
 * thread-safe.
 */
public final class PairedOutcomes {

  /** Probabilities are floored here before the log, as the live log loss is. */
  public static final double MIN_PROBABILITY = 1e-15;

  private final boolean regression;
  private long bothCorrect;
  private long championOnly;
  private long challengerOnly;
  private long bothWrong;
  private long challengerFailed;
  private double[] differences = new double[1024];
  private int paired;

  private PairedOutcomes(boolean regression) {
    this.regression = regression;
  }

  public static PairedOutcomes forClassification() {
    return new PairedOutcomes(false);
  }

  public static PairedOutcomes forRegression() {
    return new PairedOutcomes(true);
  }

  public boolean regression() {
    return regression;
  }

  /**
   * One labelled event both classifiers scored.
   *
   * @param championTrue the champion's probability of the true label
   * @param challengerTrue the challenger's probability of the true label
   */
  public void add(
      boolean championCorrect,
      boolean challengerCorrect,
      double championTrue,
      double challengerTrue) {
    if (regression) {
      throw new IllegalStateException("a regression shadow takes errors, not right and wrong");
    }
    if (championCorrect && challengerCorrect) {
      bothCorrect++;
    } else if (championCorrect) {
      championOnly++;
    } else if (challengerCorrect) {
      challengerOnly++;
    } else {
      bothWrong++;
    }
    append(logLoss(championTrue) - logLoss(challengerTrue));
  }

  /**
   * One labelled event both regression models scored.
   *
   * @param championError the champion's prediction minus the true value (or its absolute value)
   * @param challengerError the challenger's
   */
  public void addErrors(double championError, double challengerError) {
    if (!regression) {
      throw new IllegalStateException("a classification shadow takes right and wrong answers");
    }
    if (!Double.isFinite(championError) || !Double.isFinite(challengerError)) {
      throw new IllegalArgumentException(
          "errors must be finite, got " + championError + " and " + challengerError);
    }
    append(championError * championError - challengerError * challengerError);
  }

  /** A labelled event the challenger failed to score: no pair, but it counts against it. */
  public void addChallengerFailure() {
    challengerFailed++;
  }

  /** {@code -ln(max(1e-15, p))}; a NaN probability counts as the floor. */
  public static double logLoss(double probability) {
    double p = probability >= MIN_PROBABILITY ? Math.min(1.0, probability) : MIN_PROBABILITY;
    return -Math.log(p);
  }

  private void append(double difference) {
    if (paired == differences.length) {
      differences = Arrays.copyOf(differences, differences.length * 2);
    }
    differences[paired++] = difference;
  }

  public long paired() {
    return paired;
  }

  public long challengerFailed() {
    return challengerFailed;
  }

  /** Failed events over all the challenger was asked to score; 0 before any. */
  public double failureShare() {
    long asked = paired + challengerFailed;
    return asked == 0 ? 0 : (double) challengerFailed / asked;
  }

  /** A copy of the per-pair differences, in the order they were added. */
  public double[] differences() {
    return Arrays.copyOf(differences, paired);
  }

  public ModelEvent.PairCounts counts() {
    return new ModelEvent.PairCounts(
        paired, bothCorrect, championOnly, challengerOnly, bothWrong, challengerFailed);
  }
}
