package dev.scorestream.retraining;

import dev.scorestream.model.BaselineProfile;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.validation.FieldContract;
import dev.scorestream.validation.RecordValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Makes a declared share of training rows messy the way production data is, so that a candidate
 * learns to live with it and its robustness can be measured. Each chosen row is replaced by a
 * perturbed copy: a kind drawn by weight, then one of its eligible fields, then a value.
 *
 * <ul>
 *   <li>{@code missing}: a field that is not required and is nullable or has a schema default takes
 *       the default (what Avro resolution gives a record whose writer lacked the field), or null
 *       when it has none;
 *   <li>{@code numbers}: a numeric field times a log-uniform factor in [low, high], times {@code 1
 *       + N(0, jitter)}; whole-number fields are rounded;
 *   <li>{@code unseenCategories}: a string field without an {@code allowed} rule takes a fresh
 *       token within its length rules that the champion's baseline never saw;
 *   <li>{@code messyStrings}: a field that sanitation trims or case-folds is padded and has its
 *       case flipped; sanitation restores it, so this kind proves the training path sanitizes and
 *       changes no feature.
 * </ul>
 *
 * {@code "fields": ["*"]} takes every eligible feature (fields not marked {@code "feature":
 * false}); an explicit field that is not eligible is an error, and so is a declared kind with
 * weight above 0 that has no eligible field (a default kind without one is left out). Each copy
 * goes through the stream's own sanitation and rules ({@link RecordValidator#sanitizeAndValidate});
 * if it breaks a rule, or the draw cannot apply (a null number), kind, field and value are drawn
 * again, up to 3 times, after which the row stays clean and is counted as such. One seeded {@link
 * SplittableRandom} drives the choice of rows and every draw, so a seed reproduces the result
 * exactly. The input rows are never changed. Not thread-safe.
 */
public final class Perturbations {

  /** Redraws after a first draw that breaks a rule, before a row is left clean. */
  public static final int REDRAWS = 3;

  /** The longest unseen token drawn beyond a field's minimum length. */
  private static final int MAX_TOKEN = 12;

  /** A draw that cannot apply to this row (a null number, a string sanitation leaves as is). */
  private static final Object NO_DRAW = new Object();

  /**
   * One row that was replaced.
   *
   * @param index its position in the rows
   * @param field the one field the kind changed
   * @param drawn the value drawn, before the stream's sanitation (a messy string sanitizes back to
   *     the original; the other kinds' values survive it)
   */
  public record Change(int index, PerturbationKind kind, String field, String drawn) {}

  /**
   * The rows with the perturbed copies in place, what was done, and how many chosen rows stayed
   * clean because every draw broke a rule.
   */
  public record Result(List<LabelledRecord> rows, List<Change> changes, long keptClean) {

    public Result {
      rows = Collections.unmodifiableList(new ArrayList<>(rows));
      changes = List.copyOf(changes);
    }

    public long perturbed() {
      return changes.size();
    }

    /** Perturbed rows per kind, by the policy's name of the kind, every kind present. */
    public Map<String, Long> perturbedByKind() {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (PerturbationKind kind : PerturbationKind.values()) {
        counts.put(kind.code(), changes.stream().filter(c -> c.kind() == kind).count());
      }
      return counts;
    }
  }

  private final RetrainingPolicy.Perturb policy;
  private final Schema reader;
  private final RecordValidator validator;
  private final Map<PerturbationKind, List<FieldContract>> eligible;
  private final Map<String, Set<String>> seen;

  /**
   * Checks the policy's {@code perturb} section against the reader schema, as the controller does
   * at start, before any candidate is trained.
   *
   * @throws IllegalArgumentException naming the key path, for an ineligible explicit field or a
   *     declared kind without one
   */
  public static void check(RetrainingPolicy policy, Schema reader) {
    new Perturbations(policy, reader, null).eligibleFields();
  }

  /**
   * @param policy the policy, whose {@code perturb} section is used and whose source errors name
   * @param reader the reader schema the rows are records of
   * @param champion the champion's baseline, whose categories an unseen value must avoid; null when
   *     it has none
   * @throws IllegalArgumentException naming the key path, for an ineligible explicit field or a
   *     declared kind without one
   */
  public Perturbations(RetrainingPolicy policy, Schema reader, BaselineProfile champion) {

    this.policy = policy.perturb();
    this.reader = reader;
    this.validator = RecordValidator.forSchema(reader);
    this.eligible = new EnumMap<>(PerturbationKind.class);
    for (PerturbationKind kind : PerturbationKind.values()) {
      RetrainingPolicy.PerturbKind declared = this.policy.kind(kind);
      List<FieldContract> fields = fieldsFor(kind, declared, policy.source());
      if (fields.isEmpty() && declared.declared() && declared.weight() > 0) {
        throw new IllegalArgumentException(
            policy.source()
                + ": perturb.kinds."
                + kind.code()
                + ": no field of "
                + reader.getName()
                + " is eligible ("
                + rule(kind)
                + "); set its weight to 0");
      }
      if (!fields.isEmpty() && declared.weight() > 0) {
        eligible.put(kind, List.copyOf(fields));
      }
    }
    this.seen = new LinkedHashMap<>();
    if (champion != null) {
      champion
          .categorical()
          .forEach((field, profile) -> seen.put(field, profile.frequencies().keySet()));
    }
  }

  /** The fields each kind may change, for the kinds that can act (weight above 0). */
  public Map<PerturbationKind, List<String>> eligibleFields() {
    Map<PerturbationKind, List<String>> names = new EnumMap<>(PerturbationKind.class);
    eligible.forEach(
        (kind, fields) -> names.put(kind, fields.stream().map(FieldContract::field).toList()));
    return names;
  }

  /** Replaces {@code round(share * n)} rows, chosen by the policy's seed, by perturbed copies. */
  public Result perturb(List<LabelledRecord> rows) {
    return perturb(rows, policy.share(), policy.seed());
  }

  /** Perturbs every row, for the robustness copy of the evaluation rows. */
  public Result perturbAll(List<LabelledRecord> rows, long seed) {
    return perturb(rows, 1.0, seed);
  }

  private Result perturb(List<LabelledRecord> rows, double share, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = rows.size();
    int chosen = (int) Math.round(share * n);
    List<LabelledRecord> out = new ArrayList<>(rows);
    List<Change> changes = new ArrayList<>();
    long keptClean = 0;
    if (eligible.isEmpty()) {
      return new Result(out, changes, chosen);
    }
    for (int index : choose(n, chosen, random)) {
      LabelledRecord original = rows.get(index);
      Change change = null;
      for (int attempt = 0; attempt <= REDRAWS && change == null; attempt++) {
        PerturbationKind kind = kind(random);
        List<FieldContract> fields = eligible.get(kind);
        FieldContract field = fields.get(random.nextInt(fields.size()));
        GenericRecord copy = GenericData.get().deepCopy(reader, original.record());
        Object drawn = apply(kind, field, copy, random);
        if (drawn != NO_DRAW) {
          out.set(index, new LabelledRecord(copy, original.label()));
          change = new Change(index, kind, field.field(), String.valueOf(drawn));
        }
      }
      if (change == null) {
        keptClean++;
      } else {
        changes.add(change);
      }
    }
    return new Result(out, changes, keptClean);
  }

  /** {@code k} distinct indices of {@code n}, ascending: a partial Fisher-Yates shuffle. */
  private static int[] choose(int n, int k, SplittableRandom random) {
    int[] indices = new int[n];
    for (int i = 0; i < n; i++) {
      indices[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(n - i);
      int swap = indices[i];
      indices[i] = indices[j];
      indices[j] = swap;
    }
    int[] chosen = Arrays.copyOf(indices, k);
    Arrays.sort(chosen);
    return chosen;
  }

  private PerturbationKind kind(SplittableRandom random) {
    double total = 0;
    for (PerturbationKind kind : eligible.keySet()) {
      total += policy.kind(kind).weight();
    }
    double draw = random.nextDouble() * total;
    PerturbationKind last = null;
    for (PerturbationKind kind : eligible.keySet()) {
      last = kind;
      draw -= policy.kind(kind).weight();
      if (draw < 0) {
        return kind;
      }
    }
    return last;
  }

  /**
   * Draws a value into {@code copy} and sanitizes it as the stream would; returns the value drawn,
   * or {@link #NO_DRAW} when the copy is not a valid perturbed row.
   */
  private Object apply(
      PerturbationKind kind, FieldContract field, GenericRecord copy, SplittableRandom random) {
    String name = field.field();
    Object before = copy.get(name);
    Object value =
        switch (kind) {
          case MISSING -> field.hasDefault() ? field.defaultValue() : null;
          case NUMBERS -> scaled(field, before, random);
          case UNSEEN_CATEGORIES -> token(field, random);
          case MESSY_STRINGS -> messy(field, before, random);
        };
    if (value == NO_DRAW || (kind == PerturbationKind.MISSING && equal(before, value))) {
      return NO_DRAW;
    }
    copy.put(name, value);
    if (!validator.sanitizeAndValidate(copy).isEmpty()) {
      return NO_DRAW;
    }
    // Sanitation folds case: a token is unseen only if its sanitized form is.
    boolean unseen =
        kind != PerturbationKind.UNSEEN_CATEGORIES
            || !seen.getOrDefault(name, Set.of()).contains(String.valueOf(copy.get(name)));
    return unseen ? value : NO_DRAW;
  }

  private static boolean equal(Object a, Object b) {
    return a == null ? b == null : b != null && a.toString().equals(b.toString());
  }

  private Object scaled(FieldContract field, Object before, SplittableRandom random) {
    if (!(before instanceof Number number)) {
      return NO_DRAW;
    }
    double logLow = Math.log(policy.scaleLow());
    double logHigh = Math.log(policy.scaleHigh());
    double factor = Math.exp(logLow + random.nextDouble() * (logHigh - logLow));
    double value = number.doubleValue() * factor * (1 + random.nextGaussian() * policy.jitter());
    if (!Double.isFinite(value)) {
      return NO_DRAW;
    }
    return switch (field.type()) {
      case INT -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, Math.round(value)));
      case LONG -> Math.round(value);
      case FLOAT -> (float) value;
      default -> value;
    };
  }

  private static String token(FieldContract field, SplittableRandom random) {
    int low = Math.max(1, field.minLength() == null ? 1 : field.minLength());
    int high = field.maxLength() == null ? Math.max(low, MAX_TOKEN) : field.maxLength();
    high = Math.min(high, low + MAX_TOKEN);
    int length = low + random.nextInt(high - low + 1);
    StringBuilder token = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char letter = (char) ('a' + random.nextInt(26));
      token.append(
          field.caseFold() == FieldContract.Case.UPPER ? Character.toUpperCase(letter) : letter);
    }
    return token.toString();
  }

  private static Object messy(FieldContract field, Object before, SplittableRandom random) {
    if (before == null) {
      return NO_DRAW;
    }
    String text = before.toString();
    StringBuilder messy = new StringBuilder();
    if (field.trim()) {
      messy.append(" ".repeat(1 + random.nextInt(3)));
    }
    for (char c : text.toCharArray()) {
      boolean flip = field.caseFold() != FieldContract.Case.NONE && random.nextBoolean();
      messy.append(
          !flip
              ? c
              : Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    if (field.trim()) {
      messy.append(random.nextBoolean() ? "\t" : " ".repeat(1 + random.nextInt(3)));
    }
    return messy.toString().equals(text) ? NO_DRAW : messy.toString();
  }

  private List<FieldContract> fieldsFor(
      PerturbationKind kind, RetrainingPolicy.PerturbKind declared, String source) {
    List<FieldContract> fields = new ArrayList<>();
    if (declared.everyEligible()) {
      for (Schema.Field field : reader.getFields()) {
        FieldContract contract = validator.contract(field.name());
        if (!Boolean.FALSE.equals(field.getObjectProp("feature")) && qualifies(kind, contract)) {
          fields.add(contract);
        }
      }
      return fields;
    }
    String where = source + ": perturb.kinds." + kind.code() + ".fields: '";
    for (String name : declared.fields()) {
      if (reader.getField(name) == null) {
        throw new IllegalArgumentException(
            where + name + "' is not a field of " + reader.getName());
      }
      FieldContract contract = validator.contract(name);
      if (!qualifies(kind, contract)) {
        throw new IllegalArgumentException(where + name + "' is not eligible: " + rule(kind));
      }
      fields.add(contract);
    }
    return fields;
  }

  private static boolean qualifies(PerturbationKind kind, FieldContract field) {
    return switch (kind) {
      case MISSING -> !field.required() && (field.nullable() || field.hasDefault());
      case NUMBERS ->
          field.type() == Schema.Type.INT
              || field.type() == Schema.Type.LONG
              || field.type() == Schema.Type.FLOAT
              || field.type() == Schema.Type.DOUBLE;
      case UNSEEN_CATEGORIES ->
          field.type() == Schema.Type.STRING
              && field.allowed() == null
              && (field.maxLength() == null || field.maxLength() >= 1);
      case MESSY_STRINGS -> field.type() == Schema.Type.STRING && field.sanitizesText();
    };
  }

  private static String rule(PerturbationKind kind) {
    return switch (kind) {
      case MISSING -> "it must not be required, and be nullable or have a default";
      case NUMBERS -> "it must be an int, long, float or double";
      case UNSEEN_CATEGORIES -> "it must be a string without an allowed rule";
      case MESSY_STRINGS -> "it must be a string that sanitation trims or case-folds";
    };
  }
}
