package dev.scorestream.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.scorestream.registry.RegistryUnavailableException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecoveryLogFilterTest {

  final LoggerContext context = new LoggerContext();
  final ListAppender<ILoggingEvent> appended = new ListAppender<>();

  @BeforeEach
  void configure() {
    RecoveryLogFilter filter = new RecoveryLogFilter();
    filter.start();
    context.addTurboFilter(filter);
    appended.setContext(context);
    appended.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appended);
    context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
  }

  Logger kafka() {
    return context.getLogger("org.apache.kafka.streams.processor.internals.TaskExecutor");
  }

  @Test
  void shouldDropKafkasErrorsAboutRecoveriesTheScorerHandles() {
    kafka()
        .error(
            "Failed to process stream task 0_0",
            new StreamsException(
                "outage", new RegistryUnavailableException("registry down", null)));
    kafka()
        .error(
            "Error encountered sending record to topic {}",
            "events.dlq",
            new RecordTooLargeException("too large"));
    kafka().error(RecoveryLogFilter.REPLACING_THREAD);

    assertThat(appended.list).isEmpty();
  }

  @Test
  void shouldKeepEveryOtherError() {
    kafka().error("Failed to process stream task 0_0", new StreamsException("disk full"));
    kafka().warn("registry down", new RegistryUnavailableException("registry down", null));
    context
        .getLogger("dev.scorestream.app.ScorerApp")
        .error("stream thread failed", new RegistryUnavailableException("registry down", null));

    assertThat(appended.list)
        .extracting(ILoggingEvent::getMessage)
        .containsExactly(
            "Failed to process stream task 0_0", "registry down", "stream thread failed");
  }
}
