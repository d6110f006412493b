package dev.scorestream.bench;

import java.util.Map;

/**
 * A configuration of the pipeline the benchmark measures. {@link #DEFAULT} is what a user gets:
 * drift and feedback on, labels flowing for a tenth of the events, the input keyed by event id. The
 * others change one thing, so its cost shows next to it: {@link #XGBOOST} and {@link #ONNX} serve a
 * model from the lab instead of the logistic regression, with everything else as by default (so
 * micro-batched, as {@code scoring.batch=auto} does for them).
 */
enum Variant {
  DEFAULT("default pipeline", Map.of(), true, false, null, false, false),
  CUSTOMER_KEYED(
      "default pipeline, events keyed by customer", Map.of(), true, true, null, false, false),
  FEEDBACK_OFF(
      "pipeline, feedback off",
      Map.of("feedback.enabled", "false"),
      false,
      false,
      null,
      false,
      false),
  DRIFT_OFF(
      "pipeline, drift off", Map.of("drift.enabled", "false"), true, false, null, false, false),
  XGBOOST(
      "default pipeline, XGBoost 100 trees depth 6",
      Map.of(),
      true,
      false,
      Lab.XGBOOST,
      false,
      false),
  ONNX("default pipeline, ONNX logistic regression", Map.of(), true, false, Lab.ONNX, false, false),
  REFERENCE("default pipeline, 1 reference lookup", Map.of(), true, false, null, true, false),
  CONTEXT(
      "default pipeline, 1 lookup + 3 aggregates, keyed by customer",
      Map.of(),
      true,
      true,
      null,
      true,
      true),
  CONTEXT_REPARTITIONED(
      "default pipeline, 1 lookup + 3 aggregates, repartitioned",
      Map.of(),
      true,
      false,
      null,
      true,
      true);

  /** A model from the lab ({@link LabModels}), imported with {@code scorer import}. */
  enum Lab {
    XGBOOST("xgboost.json", "xgboost-reference.csv"),
    ONNX("logistic.onnx", "logistic-reference.csv");

    final String file;
    final String reference;

    Lab(String file, String reference) {
      this.file = file;
      this.reference = reference;
    }
  }

  final String title;
  final Map<String, String> settings;
  final boolean labels;

  /** The imported model this variant serves instead of the logistic regression, or null. */
  final Lab lab;

  /** Each event is enriched from a customers table ({@link ReferenceData}). */
  final boolean reference;

  /**
   * Each event also gets three aggregates of its customer's earlier events: count, amount sum and
   * distinct merchant categories over the last hour ({@link ReferenceData#CONTEXT_SPEC}); on the
   * events keyed by customer as they are, on those keyed by event id through the repartition.
   */
  final boolean entity;

  /**
   * The input keyed by customer id rather than event id: every prediction snapshot travels through
   * the repartition topic to the task its labels reach, instead of staying where it was scored.
   */
  final boolean keyedByCustomer;

  Variant(
      String title,
      Map<String, String> settings,
      boolean labels,
      boolean keyedByCustomer,
      Lab lab,
      boolean reference,
      boolean entity) {
    this.title = title;
    this.settings = settings;
    this.labels = labels;
    this.keyedByCustomer = keyedByCustomer;
    this.lab = lab;
    this.reference = reference;
    this.entity = entity;
  }
}
