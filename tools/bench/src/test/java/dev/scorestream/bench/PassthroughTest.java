package dev.scorestream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class PassthroughTest {

  @Test
  void shouldCommitAsOftenAsThePipelineItIsComparedWith() {
    Properties scorer = new Properties();
    scorer.put("application.id", "bench-passthrough-plat5000");
    scorer.put("bootstrap.servers", "127.0.0.1:9092");
    scorer.put("processing.guarantee", "exactly_once_v2");
    scorer.put("commit.interval", "20ms");

    Properties streams = Passthrough.withKafkaNames(scorer);

    assertThat(streams).doesNotContainKey("commit.interval");
    assertThat(new StreamsConfig(streams).getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
        .isEqualTo(20L);
  }
}
