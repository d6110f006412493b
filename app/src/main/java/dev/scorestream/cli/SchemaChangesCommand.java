package dev.scorestream.cli;

import dev.scorestream.app.SchemaChangeLog;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.deadletter.DeadLetterFilter;
import dev.scorestream.deadletter.DeadLetterInspector;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.schemas.Reason;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scorer schemas changes}: the schema changes the pipeline reported, from their topic. */
@Command(
    name = "changes",
    mixinStandardHelpOptions = true,
    description =
        "Print every schema change the pipeline reported (the compacted schema-changes topic, read to"
            + " its current end without a consumer group): compatibility, field changes, and what"
            + " each did to the models. With --dlq-topic, also the INCOMPATIBLE_SCHEMA dead letters"
            + " of each schema.")
final class SchemaChangesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin KafkaClientOptions kafka;

  @Mixin RegistryOptions registry;

  @Option(
      names = "--topic",
      defaultValue = "schema-changes",
      paramLabel = "TOPIC",
      description = "The schema-changes topic (topic.schema.changes; default ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--subject", paramLabel = "SUBJECT", description = "Only this subject's changes.")
  String subject;

  @Option(
      names = "--dlq-topic",
      paramLabel = "TOPIC",
      description =
          "Count each schema's INCOMPATIBLE_SCHEMA dead letters in this topic (topic.dlq).")
  String dlqTopic;

  @Option(names = "--json", description = "Print each change as a JSON line instead.")
  boolean json;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    WireFormatDecoder decoder =
        new WireFormatDecoder(
            Contracts.schemaChange(), new SchemaRegistryClient(registry.settings()));
    SchemaChangeLog log = SchemaChangeLog.read(kafka.properties(), topic);
    Map<String, Long> deadLetters = dlqTopic == null ? null : deadLettersBySchema();
    SchemaChangePrinter printer = new SchemaChangePrinter(out);
    int shown = 0;
    for (ConsumerRecord<byte[], byte[]> record : log.latest().values()) {
      if (!(decoder.decode(record.value()) instanceof DecodeResult.Decoded decoded)) {
        spec.commandLine()
            .getErr()
            .printf("skipped an undecodable record at offset %d%n", record.offset());
        continue;
      }
      GenericRecord change = decoded.record();
      if (subject != null && !subject.equals(change.get("subject").toString())) {
        continue;
      }
      shown++;
      if (json) {
        out.println(change);
      } else {
        Long count =
            deadLetters == null
                ? null
                : deadLetters.getOrDefault(change.get("schema_id").toString(), 0L);
        printer.print(change, count);
      }
    }
    if (!json) {
      out.printf("%d schema changes on %s%n", shown, topic);
    }
    return 0;
  }

  private Map<String, Long> deadLettersBySchema() {
    DeadLetterFilter incompatible =
        new DeadLetterFilter(
            Set.of(Reason.INCOMPATIBLE_SCHEMA),
            Set.of(),
            Set.of(),
            null,
            null,
            Set.of(),
            null,
            null);
    return new DeadLetterInspector(kafka.properties())
        .inspect(dlqTopic, incompatible, read -> {})
        .bySchemaId();
  }
}
