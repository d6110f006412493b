package dev.scorestream.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;

/**
 * The extractor skips Tribuo's per-record sort by producing names in order. Names chosen so that
 * field order, schema order and one-hot names disagree: a digit after a prefix sorts before '=',
 * upper case before lower case, '_' after '='.
 */
class PresortedExampleTest {

  static final Schema SCHEMA =
      new Schema.Parser()
          .parse(
              """
      {"type":"record","name":"R","fields":[
        {"name":"a_b","type":["null","string"],"default":null},
        {"name":"a","type":["null","string"],"default":null},
        {"name":"ab","type":["null","boolean"],"default":null},
        {"name":"a0","type":["null","double"],"default":null},
        {"name":"B","type":["null","double"],"default":null},
        {"name":"b","type":["null","string"],"default":null},
        {"name":"b1","type":["null","string"],"default":null}]}""");

  final FeatureExtractor extractor = FeatureExtractor.forSchema(SCHEMA);

  @Property(tries = 500)
  void shouldGiveTribuosOwnOrderWithoutSorting(
      @ForAll @StringLength(max = 6) String aValue,
      @ForAll @StringLength(max = 6) String abValue,
      @ForAll @StringLength(max = 6) String bValue,
      @ForAll double number,
      @ForAll boolean flag,
      @ForAll("presence") int present) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    Object[] values = {abValue, aValue, flag, number, -number, bValue, aValue + bValue};
    for (int i = 0; i < values.length; i++) {
      record.put(i, (present & (1 << i)) != 0 ? values[i] : null);
    }

    Example<Label> example = extractor.extract(record);

    List<Feature> sortedByTribuo = new ArrayList<>();
    new ArrayExample<>(LabelFactory.UNKNOWN_LABEL, names(example), values(example))
        .forEach(sortedByTribuo::add);
    List<Feature> ours = new ArrayList<>();
    example.forEach(ours::add);
    assertThat(ours).isEqualTo(sortedByTribuo);
    assertThat(example)
        .as("names came out in order, so nothing was sorted")
        .isInstanceOf(PresortedExample.class);
  }

  @Provide
  Arbitrary<Integer> presence() {
    return Arbitraries.integers().between(0, 127);
  }

  @Property(tries = 100)
  void shouldFallBackToSortingWhenNamesAreOutOfOrder(@ForAll double first, @ForAll double second) {
    Example<Label> example =
        PresortedExample.of(
            LabelFactory.UNKNOWN_LABEL, new String[] {"z", "a"}, new double[] {first, second});

    assertThat(example).isNotInstanceOf(PresortedExample.class);
    List<String> names = new ArrayList<>();
    example.forEach(f -> names.add(f.getName()));
    assertThat(names).containsExactly("a", "z");
    assertThat(example.lookup("a").getValue()).isEqualTo(second);
  }

  private static String[] names(Example<Label> example) {
    List<String> names = new ArrayList<>();
    example.forEach(f -> names.add(f.getName()));
    return names.toArray(new String[0]);
  }

  private static double[] values(Example<Label> example) {
    double[] values = new double[example.size()];
    int i = 0;
    for (Feature feature : example) {
      values[i++] = feature.getValue();
    }
    return values;
  }
}
