package dev.scorestream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class PendingEntriesTest {

  static Bytes key(String text) {
    return Bytes.wrap(text.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] value(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldFindTheLatestValueOfEveryKeyAcrossGrowth() {
    PendingEntries pending = new PendingEntries();
    for (int i = 0; i < 20_000; i++) {
      pending.add(key("event-" + i), value("s" + i));
    }
    pending.add(key("event-7"), value("labelled"));

    assertThat(pending.get(key("event-7"))).asString(StandardCharsets.UTF_8).isEqualTo("labelled");
    for (int i = 0; i < 20_000; i += 997) {
      if (i != 7) {
        assertThat(pending.get(key("event-" + i))).isEqualTo(value("s" + i));
      }
    }
    assertThat(pending.get(key("event-20000"))).isNull();
    assertThat(pending.size()).isEqualTo(20_001);
  }

  @Test
  void shouldTellApartKeysWithTheSameHash() {
    // {65, 97} and {66, 66}: the same Arrays.hashCode.
    assertThat(key("Aa").hashCode()).isEqualTo(key("BB").hashCode());
    PendingEntries pending = new PendingEntries();
    pending.add(key("Aa"), value("first"));
    pending.add(key("BB"), value("second"));
    pending.add(key("Aa"), value("third"));

    assertThat(pending.get(key("Aa"))).isEqualTo(value("third"));
    assertThat(pending.get(key("BB"))).isEqualTo(value("second"));
  }

  @Test
  void shouldDrainEveryEntryInOrderAndStartAgainEmpty() {
    PendingEntries pending = new PendingEntries();
    for (int i = 0; i < 5_000; i++) {
      pending.add(key("big-" + i), value("v"));
    }
    pending.drain();
    pending.add(key("a"), value("1"));
    pending.add(key("b"), value("2"));
    pending.add(key("a"), value("3"));
    assertThat(pending.bytes()).isEqualTo(3 * (1 + 1 + SnapshotChunks.ENTRY_OVERHEAD_BYTES));

    List<KeyValue<Bytes, byte[]>> drained = pending.drain();

    assertThat(drained)
        .extracting(
            entry ->
                new String(entry.key.get(), StandardCharsets.UTF_8)
                    + "="
                    + new String(entry.value, StandardCharsets.UTF_8))
        .containsExactly("a=1", "b=2", "a=3");
    assertThat(pending.isEmpty()).isTrue();
    assertThat(pending.bytes()).isZero();
    assertThat(pending.get(key("a"))).isNull();
    assertThat(pending.get(key("big-1"))).as("a shrunk table forgets too").isNull();
  }
}
