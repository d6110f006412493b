package dev.scorestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scorestream.config.ScorerConfig;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Structure checks of the deployment files no cluster runs here: Kubernetes manifests (kubeconform
 * is not available), the compose file beyond what the compose smoke test exercises, Grafana
 * provisioning (its image cannot be built offline).
 */
class DeploymentFilesTest {

  static final Path ROOT = Path.of("..");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Map<String, JsonNode> manifests() throws IOException {
    Map<String, JsonNode> byKind = new HashMap<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("deploy/k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        try (MappingIterator<JsonNode> documents =
            YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          for (JsonNode document : documents.readAll()) {
            assertThat(document.path("apiVersion").asText()).as(file + " apiVersion").isNotEmpty();
            byKind.put(document.path("kind").asText(), document);
          }
        }
      }
    }
    return byKind;
  }

  @Test
  void kubernetesManifestsShouldHoldTogether() throws IOException {
    Map<String, JsonNode> manifests = manifests();
    assertThat(manifests)
        .containsKeys(
            "StatefulSet", "ConfigMap", "Service", "PodDisruptionBudget", "Kustomization");

    JsonNode deployment = manifests.get("StatefulSet");
    assertThat(deployment.at("/spec/serviceName").asText())
        .isEqualTo(manifests.get("Service").at("/metadata/name").asText());
    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(labels);
    assertThat(manifests.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))
        .isEqualTo(labels);
    manifests
        .get("Service")
        .at("/spec/selector")
        .fields()
        .forEachRemaining(e -> assertThat(labels.path(e.getKey())).isEqualTo(e.getValue()));

    JsonNode container = deployment.at("/spec/template/spec/containers/0");
    for (String path :
        List.of(
            "/resources/requests/cpu",
            "/resources/requests/memory",
            "/resources/limits/cpu",
            "/resources/limits/memory")) {
      assertThat(container.at(path).asText()).as(path).isNotEmpty();
    }
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/pipeline");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    assertThat(container.at("/ports/1/name").asText()).isEqualTo("grpc");
    assertThat(container.at("/ports/1/containerPort").asInt()).isEqualTo(8001);
    List<Integer> servicePorts = new ArrayList<>();
    manifests
        .get("Service")
        .at("/spec/ports")
        .forEach(p -> servicePorts.add(p.path("port").asInt()));
    assertThat(servicePorts).containsExactly(8080, 8001);
    assertThat(deployment.at("/spec/template/spec/securityContext/runAsUser").asInt())
        .isEqualTo(10001);

    List<String> mounted = new ArrayList<>();
    container.path("volumeMounts").forEach(mount -> mounted.add(mount.path("name").asText()));
    List<String> volumes = new ArrayList<>();
    deployment
        .at("/spec/template/spec/volumes")
        .forEach(volume -> volumes.add(volume.path("name").asText()));
    deployment
        .at("/spec/volumeClaimTemplates")
        .forEach(claim -> volumes.add(claim.at("/metadata/name").asText()));
    assertThat(volumes).containsExactlyInAnyOrderElementsOf(mounted);

    // state.dir on the replica's own claim, static membership from the stable pod name
    String stateMount =
        container.findValues("volumeMounts").get(0).findParents("name").stream()
            .filter(mount -> mount.path("name").asText().equals("state"))
            .findFirst()
            .orElseThrow()
            .path("mountPath")
            .asText();
    JsonNode instanceId =
        container.findValues("env").get(0).findParents("name").stream()
            .filter(env -> env.path("name").asText().equals("SCORER_INSTANCE_ID"))
            .findFirst()
            .orElseThrow();
    assertThat(instanceId.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");

    Properties properties = new Properties();
    properties.load(
        new StringReader(manifests.get("ConfigMap").at("/data/scorer.properties").asText()));
    Map<String, Object> values = new HashMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    assertThat(ScorerConfig.DEFINITION.names()).containsAll(values.keySet());
    ScorerConfig config = ScorerConfig.of(values);
    assertThat(config.getInt(ScorerConfig.HTTP_PORT))
        .isEqualTo(container.at("/ports/0/containerPort").asInt());
    assertThat(config.getString(ScorerConfig.MODEL_DIR)).isEqualTo("/models");
    assertThat(config.getString(ScorerConfig.STATE_DIR)).isEqualTo(stateMount);

    JsonNode kustomization = manifests.get("Kustomization");
    kustomization
        .path("resources")
        .forEach(
            resource -> assertThat(ROOT.resolve("deploy/k8s").resolve(resource.asText())).exists());
    assertThat(container.path("image").asText())
        .as("the tag comes from the kustomization")
        .isEqualTo("scorestream/scorer");
    assertThat(kustomization.at("/images/0/name").asText()).isEqualTo("scorestream/scorer");
    assertThat(kustomization.at("/images/0/newTag").asText()).isEqualTo(pom("version"));

    JsonNode policy = manifests.get("NetworkPolicy");
    assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(labels);
    assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt())
        .isEqualTo(container.at("/ports/0/containerPort").asInt());
    assertThat(policy.at("/spec/ingress/0/from")).as("an empty from admits everyone").isNotEmpty();
  }

  /** The root pom's {@code <version>} or one of its properties. */
  static String pom(String name) throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String tag = name.equals("version") ? "version" : name;
    java.util.regex.Matcher found =
        java.util.regex.Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(pom);
    assertThat(found.find()).as("pom.xml has <%s>", tag).isTrue();
    return found.group(1).trim();
  }

  @Test
  void imageBuildsShouldTakeEveryVersionFromTheParentPom() throws IOException {
    String script = Files.readString(ROOT.resolve("docker/build-images.sh"));
    String kafkaPom = Files.readString(ROOT.resolve("docker/kafka/pom.xml"));
    for (String version :
        List.of(pom("kafka.version"), pom("apicurio.version").replace(".Final", ""))) {
      assertThat(script).as("build-images.sh repeats %s", version).doesNotContain(version);
      assertThat(kafkaPom).as("docker/kafka/pom.xml repeats %s", version).doesNotContain(version);
    }
    assertThat(kafkaPom)
        .contains("<version>" + pom("version") + "</version>")
        .contains("<relativePath>../../pom.xml</relativePath>")
        .contains("${kafka.version}");
    String dockerfile = Files.readString(ROOT.resolve("docker/Dockerfile"));
    assertThat(dockerfile.indexOf("COPY lib/"))
        .as("dependencies are a layer below the project's jars")
        .isPositive()
        .isLessThan(dockerfile.indexOf("COPY app/"));
    assertThat(dockerfile).contains("USER 10001");
  }

  @Test
  void composeServicesShouldUseHostNetworkingLimitsAndOverridableImages() throws IOException {
    JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    assertThat(compose.path("version").asText()).isEqualTo("2.4");
    JsonNode services = compose.path("services");
    assertThat(services.fieldNames())
        .toIterable()
        .contains("kafka", "topics", "registry", "scorer", "prometheus", "grafana");
    services
        .fields()
        .forEachRemaining(
            service -> {
              JsonNode spec = service.getValue();
              assertThat(spec.path("network_mode").asText()).as(service.getKey()).isEqualTo("host");
              assertThat(spec.path("mem_limit").asText())
                  .as(service.getKey() + " mem_limit")
                  .isNotEmpty();
              assertThat(spec.path("image").asText())
                  .as(service.getKey() + " image")
                  .matches("\\$\\{[A-Z_]+:-[^}]+}");
              assertThat(spec.has("ports"))
                  .as(service.getKey() + ": host networking publishes no ports")
                  .isFalse();
            });
    assertThat(services.at("/scorer/cpus").asDouble()).isPositive();
  }

  @Test
  void grafanaProvisioningShouldPointAtTheDashboardsAndPrometheus() throws IOException {
    Path provisioning = ROOT.resolve("monitoring/grafana/provisioning");
    JsonNode datasource =
        YAML.readTree(provisioning.resolve("datasources/prometheus.yml").toFile())
            .at("/datasources/0");
    assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
    assertThat(datasource.path("url").asText()).isEqualTo("http://127.0.0.1:9090");
    String uid = datasource.path("uid").asText();

    JsonNode provider =
        YAML.readTree(provisioning.resolve("dashboards/scorestream.yml").toFile())
            .at("/providers/0");
    assertThat(provider.path("type").asText()).isEqualTo("file");
    JsonNode compose = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    assertThat(compose.at("/services/grafana/volumes").toString())
        .contains("./monitoring/grafana/dashboards:" + provider.at("/options/path").asText());

    JsonNode dashboard =
        new ObjectMapper()
            .readTree(ROOT.resolve("monitoring/grafana/dashboards/scorestream.json").toFile());
    assertThat(dashboard.path("title").asText()).isNotEmpty();
    List<Integer> ids = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(
            panel -> {
              ids.add(panel.path("id").asInt());
              assertThat(panel.at("/datasource/uid").asText())
                  .as(panel.path("title").asText())
                  .isEqualTo(uid);
              assertThat(panel.path("targets").size())
                  .as(panel.path("title").asText())
                  .isPositive();
            });
    assertThat(ids).doesNotHaveDuplicates();
  }
}
