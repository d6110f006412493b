package dev.scorestream.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Configs;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.Test;

class PipelineAccessTest {

  @Test
  void shouldListWhatTheDefaultPipelineNeeds() {
    Map<String, Object> values = Configs.minimal();
    values.put(ScorerConfig.APPLICATION_ID, "fraud");
    PipelineAccess access = PipelineAccess.of(ScorerConfig.of(values), List.of("customers"));

    assertThat(access.required().stream().map(RequiredAccess::describe))
        .contains(
            "READ on Topic 'events' (topic.events)",
            "READ on Topic 'events.labels' (topic.labels)",
            "READ on Topic 'customers' (enrichment.spec.path: a reference table)",
            "WRITE on Topic 'events.predictions' (topic.predictions)",
            "WRITE on Topic 'events.dlq' (topic.dlq)",
            "WRITE on Topic 'events.training' (topic.training)",
            "READ on Group 'fraud' (application.id: the Kafka Streams consumer group)");
    assertThat(access.required())
        .filteredOn(r -> r.operation() == AclOperation.DESCRIBE_CONFIGS)
        .extracting(RequiredAccess::name)
        .contains("events.predictions", "events.dlq");
    assertThat(access.exactlyOnce()).isTrue();
    assertThat(access.transactionalIds().describe())
        .startsWith("WRITE on TransactionalId prefix 'fraud-' (application.id");
    assertThat(access.internal(AclOperation.DELETE).describe())
        .startsWith("DELETE on Topic prefix 'fraud-' (application.id");
  }

  @Test
  void shouldNotAskForWhatADisabledFeatureWouldUse() {
    Map<String, Object> values = Configs.minimal();
    values.put(ScorerConfig.FEEDBACK_ENABLED, false);
    values.put(ScorerConfig.DRIFT_ENABLED, false);
    values.put(ScorerConfig.PROCESSING_GUARANTEE, "at_least_once");
    PipelineAccess access = PipelineAccess.of(ScorerConfig.of(values), List.of());

    assertThat(access.required())
        .extracting(RequiredAccess::name)
        .doesNotContain("events.labels", "events.training", "events.drift");
    assertThat(access.exactlyOnce()).isFalse();
  }

  @Test
  void shouldNameEveryMissingPermissionOnOneLine() {
    MissingAclException missing =
        new MissingAclException(
            List.of(
                RequiredAccess.groupRead("g", "application.id"),
                RequiredAccess.topic(AclOperation.WRITE, "out", "topic.predictions")));

    assertThat(missing)
        .hasMessage(
            "missing ACL: READ on Group 'g' (application.id);"
                + " WRITE on Topic 'out' (topic.predictions)");
  }
}
