package dev.scorestream.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scorestream.codec.WireFormatEncoder;
import dev.scorestream.evolution.SchemaChangeAnalysis;
import dev.scorestream.evolution.SchemaChangeRecords;
import dev.scorestream.evolution.SchemaChangeRecords.Detection;
import dev.scorestream.evolution.SchemaChangeRecords.Source;
import dev.scorestream.evolution.SchemaChangeReport;
import dev.scorestream.evolution.ServingModel;
import dev.scorestream.model.ModelArtifact;
import dev.scorestream.registry.SchemaNotFoundException;
import dev.scorestream.registry.SubjectVersion;
import dev.scorestream.registry.WriterHistory;
import dev.scorestream.schemas.Contracts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports each new writer schema once per deployment. It runs as the single task of the
 * one-partition {@code schema-sightings} repartition topic, so one instance holds it at a time, and
 * its changelogged store remembers what was reported: a report and its store entry are written in
 * one transaction under exactly-once, which makes the report exactly once across instances,
 * restarts and replays.
 *
 * <p>In: sightings ({@code "<role>/<id>"} to JSON) from every task of the inputs. Out: {@code
 * "<subject>/<id>"} (UTF-8 bytes) to a wire-format {@code SchemaChange} (bytes), for the compacted
 * {@code schema-changes} topic.
 *
 * <p>A sighting of an id not reported yet becomes a pending entry in the store and a registry read
 * on the {@link SchemaFetcher}'s thread; a wall-clock punctuator picks up finished reads, analyses
 * them ({@link SchemaChangeAnalysis}, pure) and reports. A read that found the registry away is
 * tried again with backoff, and pending entries survive a restart (they are read again at {@link
 * #init}): an outage delays a report, never loses it, and never touches scoring. The same
 * punctuator lists the events subject's versions every poll interval, so a version is reported
 * before any event uses it.
 */
final class SchemaChangeProcessor implements Processor<String, byte[], Bytes, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaChangeProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String PENDING = "pending/";
  static final String REPORTED = "reported/";
  private static final long FIRST_BACKOFF_MS = 200;
  private static final long MAX_BACKOFF_MS = 30_000;

  /**
   * One input whose writer schemas are watched.
   *
   * @param role {@code events} or {@code labels}, as sightings name it
   * @param topic the input topic
   * @param reader the schema its records are decoded onto
   * @param models the models (or the label join) reading it, as serving now
   */
  record Watched(
      String role,
      String subject,
      String topic,
      Schema reader,
      Supplier<List<ServingModel>> models) {

    String fingerprint() {
      return ModelArtifact.fingerprint(reader);
    }
  }

  /** A change found and not reported yet, as the store keeps it. */
  record Pending(
      String role,
      String subject,
      int schemaId,
      Source detectedBy,
      long detectedAt,
      String firstEventOffset) {

    String key() {
      return SchemaChangeRecords.key(subject, schemaId);
    }
  }

  /** A registry read for a pending change: running, or waiting for its next attempt. */
  private record Fetch(
      Pending pending, CompletableFuture<WriterHistory> answer, int attempt, long retryAt) {}

  private final ScoringTopology.SchemaChangeSettings settings;
  private final String appVersion;
  private final Map<String, Watched> byRole = new HashMap<>();
  private final SchemaChangeListener listener;
  private final Map<String, Fetch> fetches = new HashMap<>();
  private ProcessorContext<Bytes, byte[]> context;
  private KeyValueStore<String, byte[]> store;
  private SchemaFetcher fetcher;
  private WireFormatEncoder encoder;
  private CompletableFuture<List<SubjectVersion>> poll;
  private long nextPollAt;
  private boolean pollFailing;

  SchemaChangeProcessor(
      ScoringTopology.SchemaChangeSettings settings, String appVersion, List<Watched> watched) {
    this.settings = settings;
    this.appVersion = appVersion;
    watched.forEach(w -> byRole.put(w.role(), w));
    this.listener = settings.listener();
  }

  @Override
  public void init(ProcessorContext<Bytes, byte[]> context) {
    this.context = context;
    this.store = context.getStateStore(SchemaChangeTopology.STORE);
    this.fetcher = settings.fetchers().get();
    this.encoder = settings.encoders().get();
    try (KeyValueIterator<String, byte[]> pending =
        store.prefixScan(PENDING, new StringSerializer())) {
      while (pending.hasNext()) {
        Pending restored = read(pending.next().value);
        fetch(restored, 1);
      }
    }
    if (!fetches.isEmpty()) {
      LOG.info("{} schema changes found before a restart are analysed now", fetches.size());
    }
    nextPollAt = context.currentSystemTimeMs();
    context.schedule(settings.tick(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    listener.pending(fetches.size());
  }

  @Override
  public void process(Record<String, byte[]> record) {
    SchemaSightingProcessor.Sighting sighting =
        SchemaSightingProcessor.Sighting.decode(record.value());
    Watched watched = byRole.get(sighting.role());
    if (watched == null) {
      return;
    }
    Pending pending =
        new Pending(
            watched.role(),
            watched.subject(),
            sighting.schemaId(),
            Source.FIRST_EVENT,
            context.currentSystemTimeMs(),
            sighting.where());
    if (known(pending.key())) {
      return;
    }
    store.put(PENDING + pending.key(), write(pending));
    fetch(pending, 1);
    listener.pending(fetches.size());
  }

  private boolean known(String key) {
    return settings.alreadyReported().contains(key)
        || store.get(REPORTED + key) != null
        || store.get(PENDING + key) != null;
  }

  private void fetch(Pending pending, int attempt) {
    fetches.put(
        pending.key(),
        new Fetch(pending, fetcher.history(pending.subject(), pending.schemaId()), attempt, 0));
  }

  private void punctuate(long now) {
    for (Fetch fetch : new ArrayList<>(fetches.values())) {
      if (fetch.answer() == null) {
        if (now >= fetch.retryAt()) {
          fetch(fetch.pending(), fetch.attempt());
        }
      } else if (fetch.answer().isDone()) {
        harvest(fetch, now);
      }
    }
    pollIfDue(now);
    listener.pending(fetches.size());
  }

  private void harvest(Fetch fetch, long now) {
    Pending pending = fetch.pending();
    try {
      WriterHistory history = fetch.answer().join();
      fetches.remove(pending.key());
      report(pending, history, now);
    } catch (CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof SchemaNotFoundException) {
        // Its events are UNKNOWN_SCHEMA_ID dead letters already; a later sighting asks again.
        LOG.warn("schema change {} not analysed: {}", pending.key(), cause.getMessage());
        fetches.remove(pending.key());
        store.delete(PENDING + pending.key());
        return;
      }
      if (fetch.attempt() == 1) {
        LOG.warn(
            "schema change {} waits for the registry ({}); its report follows when it answers",
            pending.key(),
            cause.getMessage());
      }
      fetches.put(
          pending.key(),
          new Fetch(pending, null, fetch.attempt() + 1, now + backoff(fetch.attempt()).toMillis()));
    }
  }

  /** Lists the events subject's versions every poll interval and reports those not known yet. */
  private void pollIfDue(long now) {
    if (poll != null && poll.isDone()) {
      List<SubjectVersion> versions;
      try {
        versions = poll.join();
        pollFailing = false;
      } catch (CompletionException e) {
        if (!pollFailing) {
          LOG.warn("registry poll of {} failed: {}", settings.eventsSubject(), e.getMessage());
        }
        pollFailing = true;
        versions = List.of();
      }
      poll = null;
      reportVersions(versions, now);
    }
    if (poll == null && !settings.pollInterval().isZero() && now >= nextPollAt) {
      poll = fetcher.versions(settings.eventsSubject());
      nextPollAt = now + settings.pollInterval().toMillis();
    }
  }

  private void reportVersions(List<SubjectVersion> versions, long now) {
    Watched events = byRole.get(SchemaChangeTopology.EVENTS);
    for (int i = 0; i < versions.size(); i++) {
      SubjectVersion version = versions.get(i);
      String key = SchemaChangeRecords.key(version.subject(), version.id());
      if (known(key)) {
        continue;
      }
      Pending pending =
          new Pending(
              events.role(), version.subject(), version.id(), Source.REGISTRY_POLL, now, null);
      SubjectVersion previous = i == 0 ? null : versions.get(i - 1);
      report(
          pending,
          new WriterHistory(version.id(), version.schema(), version.version(), previous),
          now);
    }
  }

  private void report(Pending pending, WriterHistory history, long now) {
    Watched watched = byRole.get(pending.role());
    SchemaChangeReport report;
    try {
      report =
          SchemaChangeAnalysis.analyze(
              watched.reader(),
              Optional.ofNullable(history.previous()).map(SubjectVersion::schema),
              history.writer(),
              watched.models().get());
    } catch (RuntimeException e) {
      // A schema Avro's own resolution chokes on: say so once, never stop the task for it.
      LOG.error("schema change {} cannot be analysed", pending.key(), e);
      store.put(REPORTED + pending.key(), bytes("failed: " + e));
      store.delete(PENDING + pending.key());
      return;
    }
    Detection detection = detection(pending, watched, history);
    byte[] value =
        encoder.encode(SchemaChangeRecords.of(Contracts.schemaChange(), detection, report));
    context.forward(new Record<>(Bytes.wrap(bytes(pending.key())), value, now));
    store.put(REPORTED + pending.key(), bytes(report.severity() + " " + report.summary()));
    store.delete(PENDING + pending.key());
    String line = "schema change {} ({}{}): {}";
    Object[] args = {
      pending.key(),
      history.version() == null ? "" : "v" + history.version() + ", ",
      pending.firstEventOffset() == null
          ? "found by registry poll"
          : "first event " + pending.firstEventOffset(),
      report.summary()
    };
    if (report.severity() == SchemaChangeReport.Severity.WARN) {
      LOG.warn(line, args);
    } else {
      LOG.info(line, args);
    }
    listener.reported(report, detection);
  }

  private Detection detection(Pending pending, Watched watched, WriterHistory history) {
    return new Detection(
        pending.subject(),
        pending.schemaId(),
        history.version(),
        history.previous() == null ? null : history.previous().id(),
        watched.topic(),
        pending.detectedBy(),
        Instant.ofEpochMilli(pending.detectedAt()),
        pending.firstEventOffset(),
        settings.reportedBy(),
        appVersion,
        watched.fingerprint());
  }

  @Override
  public void close() {
    if (fetcher != null) {
      fetcher.close();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] write(Pending pending) {
    try {
      return JSON.writeValueAsBytes(pending);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a pending schema change", e);
    }
  }

  private static Pending read(byte[] bytes) {
    try {
      return JSON.readValue(bytes, Pending.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read a pending schema change", e);
    }
  }

  /**
   * How long a read waits after its {@code attempt}-th found the registry away: 200 ms doubling to
   * 30 s.
   */
  static Duration backoff(int attempt) {
    return Duration.ofMillis(
        Math.min(FIRST_BACKOFF_MS << Math.min(attempt - 1, 16), MAX_BACKOFF_MS));
  }
}
