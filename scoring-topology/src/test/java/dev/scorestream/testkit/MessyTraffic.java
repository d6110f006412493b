package dev.scorestream.testkit;

import dev.scorestream.demo.ConservationCheck;
import dev.scorestream.demo.DemoRunner;
import dev.scorestream.demo.DemoTraffic;
import dev.scorestream.demo.OutputCollector;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's messy traffic (every malformed kind) sent to a scorer running elsewhere (a container, a
 * compose stack), with both outputs read back as {@code read_committed} and checked record by record.
 */
public final class MessyTraffic {

  private MessyTraffic() {
  }

  /** Sends {@code count} events and waits (up to 3 minutes) until each came out once; returns the check. */
  public static ConservationCheck sendAndCheck(String bootstrap, String registryUrl, String events, String predictions,
      String deadLetters, int count) {
    SchemaRegistryClient registry = new SchemaRegistryClient(RegistrySettings.of(registryUrl));
    DemoTraffic traffic = new DemoTraffic(Contracts.paymentEvent(),
        DemoRunner.registerWriterSchemas(registry, events), 2027);
    ConservationCheck check = new ConservationCheck(predictions);
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
        new ByteArraySerializer());
        OutputCollector collector = new OutputCollector(bootstrap, List.of(predictions, deadLetters))) {
      long now = System.currentTimeMillis();
      for (DemoTraffic.Event event : traffic.events(count, now)) {
        check.produced(event);
        producer.send(new ProducerRecord<>(events, null, event.timestamp(), event.key(), event.value()));
      }
      producer.flush();
      collector.pollUntil(() -> check.out() >= count, Duration.ofMinutes(3), check::consumed);
      collector.drain(Duration.ofSeconds(2), check::consumed);
    }
    return check;
  }
}
