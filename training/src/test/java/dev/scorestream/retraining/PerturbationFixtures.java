package dev.scorestream.retraining;

import dev.scorestream.model.BaselineProfile;
import dev.scorestream.schemas.LabelledRecord;
import dev.scorestream.validation.RecordValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A reader schema with what the sample {@code PaymentEvent} lacks, an optional feature (two, one
 * nullable, one with a default), and rows and a baseline for it.
 */
final class PerturbationFixtures {

  static final Schema VISIT =
      new Schema.Parser()
          .parse(
              """
              {"type": "record", "name": "Visit", "fields": [
                {"name": "event_id", "type": "string", "feature": false, "rules": {"required": true}},
                {"name": "referrer", "type": ["null", "string"], "default": null,
                 "rules": {"maxLength": 12}, "sanitize": {"trim": true, "case": "lower"}},
                {"name": "pages", "type": "int", "default": 1, "rules": {"min": 1, "max": 500}},
                {"name": "duration", "type": "double",
                 "rules": {"required": true, "finite": true, "min": 0, "max": 86400}},
                {"name": "plan", "type": "string", "rules": {"required": true, "allowed": ["free", "pro"]},
                 "sanitize": {"trim": true, "case": "lower"}},
                {"name": "country", "type": "string",
                 "rules": {"required": true, "minLength": 2, "maxLength": 2},
                 "sanitize": {"trim": true, "case": "upper"}},
                {"name": "returning", "type": "boolean"}]}
              """);

  static final List<String> REFERRERS = List.of("google", "news", "mail");
  static final List<String> COUNTRIES = List.of("DE", "FR", "IT", "ES");

  /** What the champion saw: every referrer and country the rows use. */
  static final BaselineProfile BASELINE =
      new BaselineProfile(
          100,
          Map.of(),
          Map.of(
              "referrer",
              new BaselineProfile.CategoricalProfile(
                  Map.of("google", 0.5, "news", 0.3, "mail", 0.2), 0.1),
              "country",
              new BaselineProfile.CategoricalProfile(
                  Map.of("DE", 0.4, "FR", 0.3, "IT", 0.2, "ES", 0.1), 0)),
          Map.of());

  private PerturbationFixtures() {}

  /** Valid, sanitized visits. */
  static List<LabelledRecord> visits(int count, long seed) {
    Random random = new Random(seed);
    RecordValidator validator = RecordValidator.forSchema(VISIT);
    List<LabelledRecord> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      GenericRecord record = new GenericData.Record(VISIT);
      record.put("event_id", "v" + i);
      record.put("referrer", random.nextInt(4) == 0 ? null : REFERRERS.get(random.nextInt(3)));
      record.put("pages", 1 + random.nextInt(40));
      record.put("duration", Math.round(random.nextDouble() * 60_000) / 10.0);
      record.put("plan", random.nextBoolean() ? "free" : "pro");
      record.put("country", COUNTRIES.get(random.nextInt(4)));
      record.put("returning", random.nextBoolean());
      if (!validator.sanitizeAndValidate(record).isEmpty()) {
        throw new IllegalStateException("fixture row breaks a rule: " + record);
      }
      rows.add(new LabelledRecord(record, random.nextBoolean() ? "BUY" : "LEAVE"));
    }
    return rows;
  }

  /** A policy with the minimal keys and this {@code perturb} section. */
  static RetrainingPolicy policy(String perturb) {
    return RetrainingPolicy.parse(
        "{\"version\": 1, \"model\": \"m\", \"triggers\": {\"manualOnly\": true}, \"perturb\": "
            + perturb
            + "}",
        "policy.json");
  }

  /** The fields whose values differ between two records of the same schema. */
  static List<String> differing(GenericRecord a, GenericRecord b) {
    List<String> fields = new ArrayList<>();
    for (Schema.Field field : a.getSchema().getFields()) {
      Object x = a.get(field.pos());
      Object y = b.get(field.pos());
      if (!Objects.equals(x == null ? null : x.toString(), y == null ? null : y.toString())) {
        fields.add(field.name());
      }
    }
    return fields;
  }
}
