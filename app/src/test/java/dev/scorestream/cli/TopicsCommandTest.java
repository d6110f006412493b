package dev.scorestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.app.TopicSetup;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table {@code scorer topics} prints: one aligned line per topic, problems spelled out. */
class TopicsCommandTest {

  @Test
  void shouldPrintOneAlignedLinePerTopicWithTheProblemsSpelledOut() {
    List<TopicSetup.Row> rows =
        List.of(
            new TopicSetup.Row(
                "payments", "topic.events", "6", "delete", "1048588", false, List.of()),
            new TopicSetup.Row(
                "payments.labels",
                "topic.labels",
                "2",
                "delete",
                "1048588",
                false,
                List.of("2 partitions, expected 6 (those of payments): labels join in place")),
            new TopicSetup.Row(
                "payments.predictions",
                "topic.predictions",
                "6",
                "delete",
                "1048588",
                true,
                List.of()),
            new TopicSetup.Row(
                "customers",
                "enrichment.spec.path: reference table customers",
                "-",
                "-",
                "-",
                false,
                List.of("missing")));
    StringWriter text = new StringWriter();

    TopicsCommand.print(rows, new PrintWriter(text));

    List<String> lines = text.toString().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).startsWith("TOPIC ").contains("PARTITIONS").endsWith("STATUS");
    int status = lines.get(0).indexOf("STATUS");
    assertThat(lines.get(1).substring(status)).isEqualTo("ok");
    assertThat(lines.get(2).substring(status))
        .isEqualTo("WRONG: 2 partitions, expected 6 (those of payments): labels join in place");
    assertThat(lines.get(3).substring(status)).isEqualTo("created");
    assertThat(lines.get(4)).startsWith("customers ").endsWith("WRONG: missing");
    assertThat(lines.get(4).substring(status)).isEqualTo("WRONG: missing");
  }
}
