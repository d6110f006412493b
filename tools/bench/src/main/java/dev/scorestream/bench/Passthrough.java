package dev.scorestream.bench;

import dev.scorestream.settings.Durations;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The reference: a Kafka Streams topology that copies bytes from input to output (mapValues
 * identity), run with the same Streams settings as the pipeline. Arguments: a properties file with
 * Streams settings plus {@code bench.input} and {@code bench.output}.
 */
public final class Passthrough {

  private Passthrough() {}

  /**
   * The scorer's settings under Kafka Streams' own names: the passthrough hands its properties to
   * KafkaStreams as they are, and KafkaStreams only warns about a key it does not know. Given the
   * scorer's {@code commit.interval} (a duration), the latency runs' passthrough committed every
   * 100 ms, the exactly-once default, instead of every 20 (results of 67cce4b to 161b359).
   */
  static Properties withKafkaNames(Properties scorer) {
    Properties props = new Properties();
    props.putAll(scorer);
    Object interval = props.remove("commit.interval");
    if (interval != null) {
      props.put(
          "commit.interval.ms", String.valueOf(Durations.parse(interval.toString()).toMillis()));
    }
    return props;
  }

  public static void main(String[] args) throws IOException, InterruptedException {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(Path.of(args[0]))) {
      props.load(reader);
    }
    String input = (String) props.remove("bench.input");
    String output = (String) props.remove("bench.output");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.Bytes(), Serdes.ByteArray()))
        .mapValues(value -> value)
        .to(output, Produced.with(Serdes.Bytes(), Serdes.ByteArray()));
    KafkaStreams streams = new KafkaStreams(builder.build(), props);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  streams.close();
                  stopped.countDown();
                }));
    streams.start();
    stopped.await();
  }
}
