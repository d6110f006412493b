package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.fixtures.Scrapes;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.RealComponents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PromQL expression in monitoring/ (alert rules, dashboard panels and annotations) names only
 * metrics a running scorer, or the retraining controller, really exports: a renamed metric fails
 * this test instead of silently blanking a dashboard.
 */
@ExtendWith(RealComponents.class)
class MonitoringConfigIT {

  static final Path MONITORING = Path.of("..", "monitoring");
  static final Set<String> PROMQL_WORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "offset",
          "le",
          "instance");
  static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @TempDir Path dir;

  @Test
  void shouldOnlyReferToMetricsTheScorerOrTheControllerExports(EmbeddedStack stack)
      throws Exception {
    Map<String, String> expressions = expressions();
    assertThat(expressions).hasSizeGreaterThan(10);

    Set<String> exported;
    try (RunningPipeline pipeline =
        RunningPipeline.start(
            stack.kafka(), stack.registry().url(), "monitoring-", dir, Map.of())) {
      int schemaId =
          new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()))
              .register("monitoring-events-value", Contracts.paymentEvent());
      WireFormatEncoder encoder = new WireFormatEncoder(Contracts.paymentEvent(), schemaId);
      PaymentGenerator payments = new PaymentGenerator(Contracts.paymentEvent(), 3);
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        records.add(
            new ProducerRecord<>(
                pipeline.events,
                ("m" + i).getBytes(StandardCharsets.UTF_8),
                encoder.encode(payments.next(System.currentTimeMillis()).record())));
      }
      pipeline.produce(records);
      String url = pipeline.app().managementUrl().orElseThrow() + "/metrics";
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> scrape(url).contains("scorer_records_total{outcome=\"prediction\"} 20"));
      exported = Scrapes.metricNames(scrape(url));
    }
    exported.addAll(Scrapes.metricNames(Scrapes.retrainingController()));
    exported.add("up"); // Prometheus records it for every target it scrapes

    expressions.forEach(
        (where, expr) ->
            assertThat(exported).as("%s: %s", where, expr).containsAll(metricsIn(expr)));
  }

  /** Alert expressions and dashboard targets, keyed by where they come from. */
  static Map<String, String> expressions() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(MONITORING.resolve("prometheus/alerts.yml").toFile());
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        out.put("alert " + rule.get("alert").asText(), rule.get("expr").asText());
      }
    }
    try (Stream<Path> dashboards = Files.list(MONITORING.resolve("grafana/dashboards"))) {
      for (Path file : dashboards.toList()) {
        JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
        for (JsonNode annotation : dashboard.at("/annotations/list")) {
          out.put(
              file.getFileName() + " annotation '" + annotation.path("name").asText() + "'",
              annotation.path("expr").asText());
        }
        for (JsonNode panel : dashboard.get("panels")) {
          for (JsonNode target : panel.path("targets")) {
            out.put(
                file.getFileName()
                    + " panel '"
                    + panel.get("title").asText()
                    + "' "
                    + target.get("refId").asText(),
                target.get("expr").asText());
          }
        }
      }
    }
    return out;
  }

  /**
   * Metric names in a PromQL expression: identifiers that are not functions, keywords or labels.
   */
  static Set<String> metricsIn(String expr) {
    String stripped =
        expr.replaceAll("\"[^\"]*\"", "\"\"")
            .replaceAll("\\{[^}]*}", "")
            .replaceAll("\\[[^]]*]", "")
            .replaceAll("(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
    Set<String> metrics = new TreeSet<>();
    Matcher matcher = IDENTIFIER.matcher(stripped);
    while (matcher.find()) {
      String token = matcher.group();
      int after = matcher.end();
      while (after < stripped.length() && stripped.charAt(after) == ' ') {
        after++;
      }
      boolean function = after < stripped.length() && stripped.charAt(after) == '(';
      boolean number = Character.isDigit(token.charAt(0));
      if (!function && !number && !PROMQL_WORDS.contains(token)) {
        metrics.add(token);
      }
    }
    return metrics;
  }

  static String scrape(String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Test
  void shouldFindMetricNamesInPromql() {
    assertThat(
            metricsIn(
                "sum by (le) (rate(scorer_scoring_latency_seconds_bucket{job=\"x\"}[5m])) > 0.5 and up == 1"))
        .containsExactly("scorer_scoring_latency_seconds_bucket", "up");
  }
}
