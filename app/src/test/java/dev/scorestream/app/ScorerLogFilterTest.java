package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.scorestream.registry.RegistryUnavailableException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScorerLogFilterTest {

  final LoggerContext context = new LoggerContext();
  final ListAppender<ILoggingEvent> appended = new ListAppender<>();

  @BeforeEach
  void configure() {
    ScorerLogFilter filter = new ScorerLogFilter();
    filter.setContext(context);
    filter.start();
    appended.setContext(context);
    appended.addFilter(filter);
    appended.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appended);
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
  }

  Logger streams() {
    return context.getLogger("org.apache.kafka.streams.processor.internals.TaskExecutor");
  }

  @Test
  void shouldDropKafkasErrorsAboutWhatTheScorerReportsItself() {
    streams()
        .error(
            "Failed to process stream task 0_0",
            new StreamsException("outage", new RegistryUnavailableException("down", null)));
    streams().error(RecoveryLogFilter.REPLACING_THREAD);
    streams()
        .error("stream thread died", new TopicAuthorizationException("Topic authorization failed"));

    assertThat(appended.list).isEmpty();
  }

  @Test
  void shouldKeepEverythingElse() {
    streams().error("Failed to process stream task 0_0", new StreamsException("disk full"));
    streams().info("State transition from RUNNING to REBALANCING");
    context.getLogger("dev.scorestream.app.ScorerApp").warn("registry down");

    assertThat(appended.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly(
            "Failed to process stream task 0_0",
            "State transition from RUNNING to REBALANCING",
            "registry down");
  }

  /**
   * A turbo filter runs on every level check of every logger (several per record in Kafka's
   * clients): the shipped configurations filter on their appenders instead.
   */
  @Test
  void shouldShipNoTurboFilter() throws Exception {
    for (String resource : new String[] {"/logback.xml"}) {
      try (InputStream in = getClass().getResourceAsStream(resource)) {
        String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        assertThat(xml).doesNotContain("<turboFilter").contains(ScorerLogFilter.class.getName());
      }
    }
  }
}
