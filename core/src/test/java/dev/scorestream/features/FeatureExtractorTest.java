package dev.scorestream.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.schemas.Contracts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;

class FeatureExtractorTest {

  static final Schema SCHEMA = Contracts.paymentEvent();
  final FeatureExtractor extractor = FeatureExtractor.forSchema(SCHEMA);

  static Map<String, Double> features(Example<Label> example) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Feature feature : example) {
      out.put(feature.getName(), feature.getValue());
    }
    return out;
  }

  @Test
  void shouldMapNumericBooleanAndCategoricalFieldsAndSkipIdsAndTime() {
    GenericRecord record = new PaymentGenerator(SCHEMA, 1).next(1_700_000_000_000L).record();
    record.put("amount", 12.5);
    record.put("card_present", false);
    record.put("currency", "EUR");
    record.put("channel", new GenericData.EnumSymbol(SCHEMA.getField("channel").schema(), "ECOM"));

    Map<String, Double> features = features(extractor.extract(record));

    assertThat(features)
        .containsEntry("amount", 12.5)
        .containsEntry("card_present", 0.0)
        .containsEntry("currency=EUR", 1.0)
        .containsEntry("channel=ECOM", 1.0)
        .containsKeys("hour_of_day", "account_age_days")
        .doesNotContainKeys("event_id", "customer_id", "event_time");
    assertThat(features.keySet())
        .noneMatch(name -> name.startsWith("event_id") || name.startsWith("customer_id"));
    assertThat(features).hasSize(8);
  }

  @Test
  void shouldLeaveOutNullAndNonFiniteValues() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"R","fields":[
          {"name":"a","type":["null","double"],"default":null},
          {"name":"b","type":"double"},
          {"name":"c","type":["null","string"],"default":null}]}""");
    GenericRecord record = new GenericData.Record(schema);
    record.put("a", null);
    record.put("b", Double.NaN);
    record.put("c", null);

    assertThat(FeatureExtractor.forSchema(schema).extract(record).size()).isZero();
  }

  @Test
  void shouldGiveTrainingAndServingTheSameFeatures() {
    GenericRecord record = new PaymentGenerator(SCHEMA, 2).next(1_700_000_000_000L).record();

    assertThat(features(extractor.extract(record, new Label("FRAUD"))))
        .isEqualTo(features(extractor.extract(record)));
  }

  @Test
  void shouldKnowWhichFeatureNamesItCanProduce() {
    assertThat(extractor.canProduce("amount")).isTrue();
    assertThat(extractor.canProduce("country=ZZ")).isTrue();
    assertThat(extractor.canProduce("event_id")).isFalse();
    assertThat(extractor.canProduce("amount=5")).isFalse();
    assertThat(extractor.canProduce("velocity")).isFalse();
  }

  @Test
  void shouldRefuseFieldTypeThatCannotBeAFeatureNamingIt() {
    Schema schema =
        new Schema.Parser()
            .parse(
                """
        {"type":"record","name":"R","fields":[{"name":"tags","type":{"type":"array","items":"string"}}]}""");

    assertThatThrownBy(() -> FeatureExtractor.forSchema(schema))
        .hasMessageContaining("'tags'")
        .hasMessageContaining("\"feature\": false");
  }
}
