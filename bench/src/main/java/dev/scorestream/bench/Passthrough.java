package dev.scorestream.bench;

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
