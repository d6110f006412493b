package dev.scorestream.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.scorestream.app.ScorerApp;
import dev.scorestream.codec.DecodeResult;
import dev.scorestream.codec.WireFormatDecoder;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.CliRun;
import dev.scorestream.fixtures.LogCapture;
import dev.scorestream.fixtures.RunningPipeline;
import dev.scorestream.payments.PaymentGenerator;
import dev.scorestream.registry.RegistrySettings;
import dev.scorestream.registry.SchemaRegistryClient;
import dev.scorestream.samples.SampleTraffic;
import dev.scorestream.schemas.Contracts;
import dev.scorestream.security.MissingAclException;
import dev.scorestream.testkit.EmbeddedStack;
import dev.scorestream.testkit.OutputCollector;
import dev.scorestream.testkit.RealComponents;
import dev.scorestream.testkit.SecuredKafka;
import dev.scorestream.training.CustomerActivity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The scorer and its Kafka tools against a secured broker ({@link SecuredKafka}: SASL_SSL with
 * SCRAM-SHA-512, mutual TLS, StandardAuthorizer, only {@code admin} a super user), each principal
 * with exactly the ACLs the security guide lists. Then one scorer ACL removed at a time: start-up
 * stops within seconds with one line naming it. One broker for every case.
 */
@ExtendWith(RealComponents.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredKafkaIT {

  static final String PREFIX = "sec.";
  static final String APP = "secscorer";
  static final String EVENTS = PREFIX + "events";
  static final String DLQ = PREFIX + "events.dlq";
  static final String TRAINING = PREFIX + "events.training";
  static final String PREDICTIONS = PREFIX + "events.predictions";
  static final int EVENT_COUNT = 200;
  static final int LABELLED = 60;
  static final long T0 = 1_764_000_000_000L;

  static final List<AclBinding> SCORER =
      List.of(
          allow("scorer", ResourceType.TOPIC, PREFIX, PatternType.PREFIXED, AclOperation.READ),
          allow("scorer", ResourceType.TOPIC, PREFIX, PatternType.PREFIXED, AclOperation.WRITE),
          allow(
              "scorer",
              ResourceType.TOPIC,
              PREFIX,
              PatternType.PREFIXED,
              AclOperation.DESCRIBE_CONFIGS),
          allow("scorer", ResourceType.TOPIC, APP + "-", PatternType.PREFIXED, AclOperation.CREATE),
          allow("scorer", ResourceType.TOPIC, APP + "-", PatternType.PREFIXED, AclOperation.READ),
          allow("scorer", ResourceType.TOPIC, APP + "-", PatternType.PREFIXED, AclOperation.WRITE),
          allow("scorer", ResourceType.TOPIC, APP + "-", PatternType.PREFIXED, AclOperation.DELETE),
          allow("scorer", ResourceType.GROUP, APP, PatternType.LITERAL, AclOperation.READ),
          allow(
              "scorer",
              ResourceType.TRANSACTIONAL_ID,
              APP + "-",
              PatternType.PREFIXED,
              AclOperation.WRITE));

  static final String REPLAY_ID = "scorestream-replay-" + DLQ;

  /** Each tool's own principal, with only what it needs. */
  static final List<AclBinding> TOOLS =
      List.of(
          allow("inspector", ResourceType.TOPIC, DLQ, PatternType.LITERAL, AclOperation.READ),
          allow("replayer", ResourceType.TOPIC, DLQ, PatternType.LITERAL, AclOperation.READ),
          allow("replayer", ResourceType.TOPIC, EVENTS, PatternType.LITERAL, AclOperation.WRITE),
          allow("replayer", ResourceType.GROUP, REPLAY_ID, PatternType.PREFIXED, AclOperation.READ),
          allow(
              "replayer",
              ResourceType.TRANSACTIONAL_ID,
              REPLAY_ID,
              PatternType.PREFIXED,
              AclOperation.WRITE),
          allow("trainer", ResourceType.TOPIC, TRAINING, PatternType.LITERAL, AclOperation.READ),
          allow("exporter", ResourceType.TOPIC, TRAINING, PatternType.LITERAL, AclOperation.READ),
          allow("backfiller", ResourceType.TOPIC, EVENTS, PatternType.LITERAL, AclOperation.READ),
          allow("auditor", ResourceType.TOPIC, DLQ, PatternType.LITERAL, AclOperation.READ));

  @TempDir static Path dir;

  static SecuredKafka secured;
  static final Map<String, String> PASSWORDS = new HashMap<>();
  static LogCapture logs;
  static final List<String> TOOL_OUTPUT = new ArrayList<>();

  @BeforeAll
  static void startSecuredBroker() {
    logs = LogCapture.begin();
    secured = SecuredKafka.start();
    for (String user : List.of("scorer", "inspector", "replayer", "trainer", "exporter")) {
      PASSWORDS.put(user, UUID.randomUUID().toString());
    }
    PASSWORDS.put("backfiller", UUID.randomUUID().toString());
    secured.addScramUsers(PASSWORDS);
    // The scorer would create its schema-changes topic, which takes CREATE on it: made here
    // instead.
    secured
        .kafka()
        .createTopics(Map.of(PREFIX + "schema-changes", 1), Map.of("cleanup.policy", "compact"));
    List<AclBinding> all = new ArrayList<>(SCORER);
    all.addAll(TOOLS);
    grant(all);
  }

  @AfterAll
  static void stopSecuredBroker() {
    if (secured != null) {
      secured.close();
    }
    // Every log line of the run (the scorer's, the tools', Kafka's own down to INFO, the broker's)
    // and every tool's output: no password the run used may appear in any of them.
    try (LogCapture captured = logs) {
      List<String> text = new ArrayList<>(captured.lines());
      text.addAll(TOOL_OUTPUT);
      assertThat(text).as("log lines captured").hasSizeGreaterThan(100);
      PASSWORDS.forEach(
          (user, password) ->
              assertThat(text)
                  .as("the password of " + user + " in the logs or a tool's output")
                  .noneMatch(line -> line.contains(password)));
    }
  }

  /** A scorer command, its output kept for the search for secrets. */
  static CliRun cli(String... args) {
    CliRun run = CliRun.of(args);
    TOOL_OUTPUT.add(run.out());
    TOOL_OUTPUT.add(run.err());
    return run;
  }

  @Test
  @Order(1)
  void shouldScoreEveryEventExactlyOnceWithLeastPrivilegeOverSaslSsl(EmbeddedStack stack) {
    SchemaRegistryClient registry =
        new SchemaRegistryClient(RegistrySettings.of(stack.registry().url()));
    SampleTraffic.SchemaIds ids = SampleTraffic.registerWriterSchemas(registry, EVENTS);
    List<SampleTraffic.Event> events =
        new SampleTraffic(Contracts.paymentEvent(), ids, 30).events(EVENT_COUNT, T0);
    long deadLetters = events.stream().filter(e -> e.kind().expected().isPresent()).count();
    try (RunningPipeline pipeline =
            RunningPipeline.start(
                secured.kafka(),
                stack.registry().url(),
                PREFIX,
                dir.resolve("run"),
                scorerConfig());
        OutputCollector outputs =
            new OutputCollector(secured.kafka().clientProperties(), List.of(PREDICTIONS, DLQ))) {
      pipeline.produce(
          events.stream()
              .map(e -> new ProducerRecord<>(EVENTS, null, e.timestamp(), e.key(), e.value()))
              .toList());
      assertThat(
              outputs.pollUntil(
                  () -> outputs.records().size() >= EVENT_COUNT, Duration.ofSeconds(60), r -> {}))
          .as("every event out, got %d", outputs.records().size())
          .isTrue();
      outputs.drain(Duration.ofSeconds(2), r -> {});
      Set<String> keys = new HashSet<>();
      List<String> scored = new ArrayList<>();
      WireFormatDecoder decoder = new WireFormatDecoder(Contracts.prediction(), registry);
      for (ConsumerRecord<byte[], byte[]> record : outputs.records()) {
        String key = new String(record.key(), StandardCharsets.UTF_8);
        assertThat(keys.add(key)).as("exactly once: %s", key).isTrue();
        if (record.topic().equals(PREDICTIONS)) {
          scored.add(
              ((DecodeResult.Decoded) decoder.decode(record.value()))
                  .record()
                  .get("event_id")
                  .toString());
        }
      }
      assertThat(keys).hasSize(EVENT_COUNT);
      assertThat(outputs.records().stream().filter(r -> r.topic().equals(DLQ)).count())
          .isEqualTo(deadLetters);

      pipeline.produce(labels(registry, scored.subList(0, LABELLED)));
      try (OutputCollector training =
          new OutputCollector(secured.kafka().clientProperties(), List.of(TRAINING))) {
        assertThat(
                training.pollUntil(
                    () -> training.records().size() >= LABELLED, Duration.ofSeconds(60), r -> {}))
            .as("a training example per label, got %d", training.records().size())
            .isTrue();
      }
    }
  }

  private static List<ProducerRecord<byte[], byte[]>> labels(
      SchemaRegistryClient registry, List<String> eventIds) {
    int labelId = registry.register(PREFIX + "events.labels-value", Contracts.labelFeedback());
    WireFormatEncoder encoder = new WireFormatEncoder(Contracts.labelFeedback(), labelId);
    long labelTime = T0 + 3_600_000L;
    List<ProducerRecord<byte[], byte[]>> labels = new ArrayList<>();
    for (int i = 0; i < eventIds.size(); i++) {
      GenericRecord label = new GenericData.Record(Contracts.labelFeedback());
      label.put("event_id", eventIds.get(i));
      label.put("label", i % 2 == 0 ? PaymentGenerator.LEGIT : PaymentGenerator.FRAUD);
      label.put("label_time", labelTime);
      labels.add(
          new ProducerRecord<>(
              PREFIX + "events.labels",
              null,
              labelTime,
              eventIds.get(i).getBytes(StandardCharsets.UTF_8),
              encoder.encode(label)));
    }
    return labels;
  }

  @Test
  @Order(2)
  void shouldRunEachKafkaToolWithItsOwnLeastPrivilege(EmbeddedStack stack) {
    String sasl = secured.saslBootstrapServers();
    String registry = stack.registry().url();
    assertSucceeds(inspectDeadLetters(sasl, scramConfig("inspector")));
    CliRun replay =
        cli(
            "replay",
            "--dlq-topic",
            DLQ,
            "--bootstrap-server",
            sasl,
            "--client-config",
            scramConfig("replayer"));
    assertSucceeds(replay);
    assertThat(replay.out()).contains("RULE_VIOLATION -> " + EVENTS);
    assertSucceeds(
        cli(
            "features",
            "--from-topic",
            EVENTS,
            "--bootstrap-server",
            sasl,
            "--client-config",
            scramConfig("backfiller"),
            "--registry",
            registry,
            "--enrichment",
            enrichmentSpec(),
            "--out",
            dir.resolve("features.avro").toString()));
    assertSucceeds(
        cli(
            "train",
            "--from-topic",
            TRAINING,
            "--bootstrap-server",
            sasl,
            "--client-config",
            scramConfig("trainer"),
            "--registry",
            registry,
            "--out",
            dir.resolve("retrained").toString()));
    assertSucceeds(
        cli(
            "export",
            "--from-topic",
            TRAINING,
            "--bootstrap-server",
            sasl,
            "--client-config",
            scramConfig("exporter"),
            "--registry",
            registry,
            "--features",
            LabModelsIT.SPEC.toString(),
            "-o",
            dir.resolve("matrix.csv").toString()));
  }

  @Test
  @Order(3)
  void shouldConnectWithAClientCertificateOverMutualTls() {
    assertSucceeds(
        inspectDeadLetters(
            secured.tlsBootstrapServers(), clientConfig("auditor", secured.tlsClient("auditor"))));
  }

  private static CliRun inspectDeadLetters(String bootstrapServers, String clientConfig) {
    CliRun run =
        cli(
            "dlq",
            "inspect",
            "--dlq-topic",
            DLQ,
            "--bootstrap-server",
            bootstrapServers,
            "--client-config",
            clientConfig);
    assertThat(run.out()).as(run.err()).contains("RULE_VIOLATION");
    return run;
  }

  @Test
  @Order(4)
  void shouldNameEachMissingAclAtStartUpWithinSeconds(EmbeddedStack stack) {
    Map<AclBinding, String> cases = new java.util.LinkedHashMap<>();
    cases.put(SCORER.get(8), "WRITE on TransactionalId prefix '" + APP + "-'");
    cases.put(SCORER.get(7), "READ on Group '" + APP + "'");
    cases.put(SCORER.get(0), "READ on Topic '" + EVENTS + "'");
    cases.put(SCORER.get(1), "WRITE on Topic '" + PREDICTIONS + "'");
    cases.put(SCORER.get(2), "DESCRIBE_CONFIGS on Topic '" + PREDICTIONS + "'");
    cases.put(SCORER.get(6), "DELETE on Topic prefix '" + APP + "-'");
    int run = 0;
    for (Map.Entry<AclBinding, String> denied : cases.entrySet()) {
      revoke(denied.getKey());
      long started = System.nanoTime();
      Throwable failure;
      try {
        Path runDir = dir.resolve("denied-" + run++);
        failure =
            catchThrowable(
                () ->
                    RunningPipeline.start(
                            secured.kafka(), stack.registry().url(), PREFIX, runDir, scorerConfig())
                        .close());
      } finally {
        grant(List.of(denied.getKey()));
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      assertThat(failure)
          .as("without %s", denied.getKey())
          .isInstanceOf(MissingAclException.class)
          .hasMessageStartingWith("missing ACL: ")
          .hasMessageContaining(denied.getValue())
          .hasMessageNotContaining("\n");
      assertThat(seconds).as("start-up fails fast without %s", denied.getKey()).isLessThan(15);
    }
  }

  /** Entity features only: the backfill then reads nothing but the events topic. */
  private static String enrichmentSpec() {
    try {
      return Files.writeString(dir.resolve("enrichment.json"), CustomerActivity.json(false))
          .toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  @Order(5)
  void shouldSayAtOnceThatTheCredentialsAreRefused(EmbeddedStack stack) {
    Map<String, Object> config = scorerConfig();
    secured
        .scramClient("scorer", "not-the-password")
        .forEach((key, value) -> config.put("kafka." + key, value));

    Throwable failure =
        catchThrowable(
            () ->
                RunningPipeline.start(
                        secured.kafka(),
                        stack.registry().url(),
                        PREFIX,
                        dir.resolve("refused"),
                        config)
                    .close());

    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "cannot reach Kafka at " + secured.saslBootstrapServers() + " to check its ACLs")
        .hasMessageContaining("SaslAuthenticationException");
  }

  @Test
  @Order(6)
  void shouldStopWithOneLineWhenAnAclIsRemovedWhileRunning(EmbeddedStack stack) {
    Logger scorer = (Logger) LoggerFactory.getLogger(ScorerApp.class);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    scorer.addAppender(logged);
    try (RunningPipeline pipeline =
        RunningPipeline.start(
            secured.kafka(),
            stack.registry().url(),
            PREFIX,
            dir.resolve("revoked"),
            scorerConfig())) {
      revoke(SCORER.get(0));
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> pipeline.app().streams().state() == KafkaStreams.State.ERROR);
      } finally {
        grant(List.of(SCORER.get(0)));
      }
    } finally {
      scorer.detachAppender(logged);
    }
    assertThat(logged.list)
        .filteredOn(event -> event.getLevel() == Level.ERROR)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getFormattedMessage())
                  .startsWith("missing ACL: Topic [" + EVENTS)
                  .doesNotContain("\n");
              assertThat(event.getThrowableProxy()).as("no stack trace").isNull();
            });
  }

  private static void assertSucceeds(CliRun run) {
    assertThat(run.exit()).as(run.out() + "\n" + run.err()).isZero();
  }

  private static Map<String, Object> scorerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ScorerConfig.BOOTSTRAP_SERVERS, secured.saslBootstrapServers());
    config.put(ScorerConfig.APPLICATION_ID, APP);
    secured
        .scramClient("scorer", PASSWORDS.get("scorer"))
        .forEach((key, value) -> config.put("kafka." + key, value));
    return config;
  }

  private static String scramConfig(String user) {
    return clientConfig(user, secured.scramClient(user, PASSWORDS.get(user)));
  }

  /** A client properties file, as {@code --client-config} takes (Kafka's --command-config). */
  private static String clientConfig(String user, Map<String, Object> settings) {
    Path file = dir.resolve(user + ".properties");
    Properties props = new Properties();
    settings.forEach((key, value) -> props.setProperty(key, value.toString()));
    try (Writer writer = Files.newBufferedWriter(file)) {
      props.store(writer, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toString();
  }

  private static AclBinding allow(
      String user, ResourceType type, String name, PatternType pattern, AclOperation operation) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
  }

  /** Adds ACLs and waits until the broker's authorizer has them. */
  private static void grant(List<AclBinding> acls) {
    try (Admin admin = secured.kafka().admin()) {
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      for (AclBinding acl : acls) {
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> !admin.describeAcls(acl.toFilter()).values().get().isEmpty());
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot add ACLs " + acls, e);
    }
  }

  /** Removes an ACL and waits until the broker's authorizer no longer has it. */
  private static void revoke(AclBinding acl) {
    try (Admin admin = secured.kafka().admin()) {
      admin.deleteAcls(List.of(acl.toFilter())).all().get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> admin.describeAcls(acl.toFilter()).values().get().isEmpty());
    } catch (Exception e) {
      throw new IllegalStateException("cannot remove ACL " + acl, e);
    }
  }
}
