package dev.scorestream.drift;

/**
 * When a distance becomes a warning or an alert. Defaults: PSI 0.1 / 0.25, Jensen-Shannon distance
 * 0.1 / 0.2, a missing-rate change of 0.1 warns (twice that alerts), and no verdict under 200
 * values.
 */
public record DriftThresholds(
    double psiWarn,
    double psiAlert,
    double jsWarn,
    double jsAlert,
    double missingRateDelta,
    long minCount) {

  public static final DriftThresholds DEFAULTS = new DriftThresholds(0.1, 0.25, 0.1, 0.2, 0.1, 200);

  public DriftThresholds {
    if (psiWarn > psiAlert || jsWarn > jsAlert) {
      throw new IllegalArgumentException("warn thresholds must not exceed alert thresholds");
    }
  }

  /**
   * @param count values observed in the window (present and missing)
   * @param missingDelta absolute change of the missing rate against the baseline
   */
  public DriftStatus status(long count, double psi, double js, double missingDelta) {
    if (count < minCount) {
      return DriftStatus.INSUFFICIENT_DATA;
    }
    if (psi >= psiAlert || js >= jsAlert || missingDelta >= 2 * missingRateDelta) {
      return DriftStatus.ALERT;
    }
    if (psi >= psiWarn || js >= jsWarn || missingDelta >= missingRateDelta) {
      return DriftStatus.WARN;
    }
    return DriftStatus.OK;
  }
}
