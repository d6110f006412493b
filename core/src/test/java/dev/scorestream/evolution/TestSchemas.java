package dev.scorestream.evolution;

import org.apache.avro.Schema;

/** Small payment-like schemas for example tests, written with single quotes for readability. */
final class TestSchemas {

  /** The reader schema the examples start from: the shape of the pipeline's PaymentEvent. */
  static final String READER_FIELDS =
      """
      {'name': 'event_id', 'type': 'string', 'feature': false},
      {'name': 'amount', 'type': 'double', 'default': 0},
      {'name': 'channel', 'type': {'type': 'enum', 'name': 'Channel',
        'symbols': ['POS', 'ECOM', 'ATM', 'MOTO']}},
      {'name': 'card_present', 'type': 'boolean'},
      {'name': 'hour_of_day', 'type': 'int'},
      {'name': 'customer_id', 'type': ['null', 'string'], 'default': null, 'feature': false}
      """;

  private TestSchemas() {}

  static Schema reader() {
    return record(READER_FIELDS);
  }

  /** A {@code PaymentEvent} record with these fields. */
  static Schema record(String fields) {
    return parse(
        "{'type': 'record', 'name': 'PaymentEvent', 'namespace': 'dev.scorestream.avro',"
            + " 'fields': ["
            + fields
            + "]}");
  }

  /** The reader's fields with {@code from} replaced by {@code to} (exactly one occurrence). */
  static Schema readerWith(String from, String to) {
    if (!READER_FIELDS.contains(from)) {
      throw new IllegalArgumentException("not in the reader schema: " + from);
    }
    return record(READER_FIELDS.replace(from, to));
  }

  static Schema parse(String singleQuoted) {
    return new Schema.Parser().parse(singleQuoted.replace('\'', '"'));
  }
}
