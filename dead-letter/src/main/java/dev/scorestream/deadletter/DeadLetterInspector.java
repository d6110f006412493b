package dev.scorestream.deadletter;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a dead-letter topic from the beginning to its current end, without a consumer group and
 * without committing anything, and summarizes it as an {@link InspectionReport}.
 */
public final class DeadLetterInspector {

  private final Properties clientProperties;

  /**
   * @param clientProperties Kafka client properties (bootstrap.servers, security settings)
   */
  public DeadLetterInspector(Properties clientProperties) {
    this.clientProperties = clientProperties;
  }

  /**
   * @param progress called with the number of records read so far, about every thousand records
   */
  public InspectionReport inspect(String topic, DeadLetterFilter filter, LongConsumer progress) {
    Properties props = new Properties();
    props.putAll(clientProperties);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Tally tally = new Tally();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      BoundedTopicReader reader =
          new BoundedTopicReader(consumer, topic, filter, partition -> null);
      reader.forEachBatch(
          batch -> {
            for (ConsumerRecord<byte[], byte[]> record : batch) {
              tally.add(record, filter.matches(record));
              if (tally.read % 1000 == 0) {
                progress.accept(tally.read);
              }
            }
          });
    }
    progress.accept(tally.read);
    return tally.report(topic);
  }

  /** Accumulates the counts of one inspection. */
  private static final class Tally {
    private long read;
    private long matched;
    private final Map<String, Long> counts = new TreeMap<>();
    private final Map<String, Instant> first = new TreeMap<>();
    private final Map<String, Instant> last = new TreeMap<>();
    private final Map<String, InspectionReport.Example> examples = new TreeMap<>();
    private final Map<String, Long> byRule = new TreeMap<>();
    private final Map<String, Long> bySchemaId = new TreeMap<>();
    private final Map<String, Long> bySource = new TreeMap<>();

    void add(ConsumerRecord<byte[], byte[]> record, boolean selected) {
      read++;
      if (!selected) {
        return;
      }
      matched++;
      String reason =
          DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.REASON)
              .orElse("(no reason header)");
      counts.merge(reason, 1L, Long::sum);
      Instant failedAt = DeadLetterFilter.failedAt(record.headers());
      if (failedAt != null) {
        first.merge(reason, failedAt, (a, b) -> a.isBefore(b) ? a : b);
        last.merge(reason, failedAt, (a, b) -> a.isAfter(b) ? a : b);
      }
      examples.computeIfAbsent(reason, r -> example(record));
      DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.RULES)
          .ifPresent(
              rules ->
                  Arrays.stream(rules.split(","))
                      .map(String::trim)
                      .filter(rule -> !rule.isEmpty())
                      .forEach(rule -> byRule.merge(rule, 1L, Long::sum)));
      bySchemaId.merge(
          DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.SCHEMA_ID).orElse(""),
          1L,
          Long::sum);
      String source =
          DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.TOPIC).orElse("?")
              + "-"
              + DeadLetterHeaders.get(record.headers(), DeadLetterHeaders.PARTITION).orElse("?");
      bySource.merge(source, 1L, Long::sum);
    }

    private static InspectionReport.Example example(ConsumerRecord<byte[], byte[]> record) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (Header header : record.headers()) {
        headers.put(header.key(), header.value() == null ? "null" : printable(header.value()));
      }
      return new InspectionReport.Example(
          record.partition(),
          record.offset(),
          headers,
          ValuePreview.of(record.key()),
          ValuePreview.of(record.value()));
    }

    /** Our headers are UTF-8 text; anything else in a header is shown as a preview too. */
    private static String printable(byte[] value) {
      String preview = ValuePreview.of(value);
      return preview.startsWith("text \"") && preview.endsWith("\"")
          ? preview.substring(6, preview.length() - 1)
          : preview;
    }

    InspectionReport report(String topic) {
      Map<String, InspectionReport.ReasonSummary> byReason = new TreeMap<>();
      counts.forEach(
          (reason, count) ->
              byReason.put(
                  reason,
                  new InspectionReport.ReasonSummary(
                      count, first.get(reason), last.get(reason), examples.get(reason))));
      return new InspectionReport(topic, read, matched, byReason, byRule, bySchemaId, bySource);
    }
  }
}
