package dev.scorestream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scorestream.config.ScorerConfig;
import dev.scorestream.fixtures.Scrapes;
import dev.scorestream.retraining.RetrainingPolicy;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Structure checks of the deployment files no cluster runs here: Kubernetes manifests (kubeconform
 * is not available), the compose file beyond what the compose smoke test exercises, Grafana
 * provisioning (its image cannot be built offline), down to the retraining controller's meters that
 * its dashboard row, annotations and alerts query.
 */
class DeploymentFilesTest {

  static final Path ROOT = Path.of("..");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static final Path K8S = ROOT.resolve("deploy/k8s");

  /** Every Kubernetes object of deploy/k8s, keyed by kind and name ("StatefulSet/scorestream"). */
  static Map<String, JsonNode> manifests() throws IOException {
    Map<String, JsonNode> byKindAndName = new HashMap<>();
    for (Path file : kustomizable()) {
      try (MappingIterator<JsonNode> documents =
          YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        for (JsonNode document : documents.readAll()) {
          assertThat(document.path("apiVersion").asText()).as(file + " apiVersion").isNotEmpty();
          String key =
              document.path("kind").asText() + "/" + document.at("/metadata/name").asText();
          assertThat(byKindAndName.put(key, document)).as(key + " twice").isNull();
        }
      }
    }
    return byKindAndName;
  }

  /** The manifests of deploy/k8s: every .yaml but the kustomization. */
  static List<Path> kustomizable() throws IOException {
    try (Stream<Path> files = Files.list(K8S)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml"))
          .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
          .sorted()
          .toList();
    }
  }

  static JsonNode kustomization() throws IOException {
    return YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
  }

  @Test
  void everyPodShouldRunLockedDown() throws IOException {
    List<String> workloads = new ArrayList<>();
    manifests()
        .forEach(
            (key, manifest) -> {
              JsonNode pod = manifest.at("/spec/template/spec");
              if (pod.isMissingNode()) {
                return;
              }
              workloads.add(key);
              assertThat(pod.path("automountServiceAccountToken").asBoolean(true))
                  .as(key + " mounts no service-account token")
                  .isFalse();
              assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(key).isTrue();
              assertThat(pod.at("/securityContext/seccompProfile/type").asText())
                  .as(key + " seccomp")
                  .isEqualTo("RuntimeDefault");
              pod.path("containers")
                  .forEach(
                      container -> {
                        String name = key + " container " + container.path("name").asText();
                        JsonNode context = container.path("securityContext");
                        assertThat(context.path("readOnlyRootFilesystem").asBoolean())
                            .as(name + " read-only root")
                            .isTrue();
                        assertThat(context.path("allowPrivilegeEscalation").asBoolean(true))
                            .as(name + " no privilege escalation")
                            .isFalse();
                        assertThat(context.at("/capabilities/drop/0").asText())
                            .as(name + " drops every capability")
                            .isEqualTo("ALL");
                      });
            });
    assertThat(workloads)
        .containsExactlyInAnyOrder("StatefulSet/scorestream", "Deployment/scorestream-retrain");
  }

  @Test
  void credentialsShouldComeFromASecretTheKustomizationNeverOverwrites() throws IOException {
    JsonNode example = YAML.readTree(K8S.resolve("examples/secret.yaml").toFile());
    assertThat(example.path("kind").asText()).isEqualTo("Secret");
    String name = example.at("/metadata/name").asText();
    assertThat(kustomization().path("resources").toString()).doesNotContain("secret");
    for (String workload : List.of("StatefulSet/scorestream", "Deployment/scorestream-retrain")) {
      JsonNode pod = manifests().get(workload).at("/spec/template/spec");
      JsonNode volume = null;
      for (JsonNode candidate : pod.path("volumes")) {
        if (candidate.at("/secret/secretName").asText().equals(name)) {
          volume = candidate;
        }
      }
      assertThat(volume).as(workload + " mounts " + name).isNotNull();
      assertThat(volume.at("/secret/optional").asBoolean()).as(workload).isTrue();
      String volumeName = volume.path("name").asText();
      assertThat(pod.path("containers").get(0).path("volumeMounts").findValuesAsText("name"))
          .as(workload)
          .contains(volumeName);
    }
  }

  @Test
  void kubernetesManifestsShouldHoldTogether() throws IOException {
    Map<String, JsonNode> manifests = manifests();
    assertThat(manifests)
        .containsKeys(
            "StatefulSet/scorestream",
            "ConfigMap/scorestream",
            "Service/scorestream",
            "PodDisruptionBudget/scorestream",
            "NetworkPolicy/scorestream-http");

    JsonNode deployment = manifests.get("StatefulSet/scorestream");
    assertThat(deployment.at("/spec/serviceName").asText()).isEqualTo("scorestream");
    JsonNode labels = deployment.at("/spec/template/metadata/labels");
    assertThat(deployment.at("/spec/selector/matchLabels")).isEqualTo(labels);
    assertThat(manifests.get("PodDisruptionBudget/scorestream").at("/spec/selector/matchLabels"))
        .isEqualTo(labels);
    manifests
        .get("Service/scorestream")
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
    assertThat(container.at("/ports/2/name").asText()).isEqualTo("management");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asText())
          .as(probe + " asks the management port, which needs no token")
          .isEqualTo("management");
    }
    List<Integer> servicePorts = new ArrayList<>();
    manifests
        .get("Service/scorestream")
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
        new StringReader(
            manifests.get("ConfigMap/scorestream").at("/data/scorer.properties").asText()));
    Map<String, Object> values = new HashMap<>();
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
    assertThat(ScorerConfig.DEFINITION.names()).containsAll(values.keySet());
    ScorerConfig config = ScorerConfig.of(values);
    assertThat(config.getInt(ScorerConfig.HTTP_PORT))
        .isEqualTo(container.at("/ports/0/containerPort").asInt());
    int management = config.getInt(ScorerConfig.MANAGEMENT_PORT);
    assertThat(management).isEqualTo(container.at("/ports/2/containerPort").asInt());
    assertThat(deployment.at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
        .isEqualTo(String.valueOf(management));
    assertThat(config.getString(ScorerConfig.MODEL_DIR)).isEqualTo("/models");
    assertThat(config.getString(ScorerConfig.STATE_DIR)).isEqualTo(stateMount);

    JsonNode kustomization = kustomization();
    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(resource -> resources.add(resource.asText()));
    assertThat(resources)
        .as("kubectl apply -k applies every manifest of deploy/k8s, and only those")
        .containsExactlyInAnyOrderElementsOf(
            kustomizable().stream().map(f -> f.getFileName().toString()).toList());
    assertThat(container.path("image").asText())
        .as("the tag comes from the kustomization")
        .isEqualTo("scorestream/scorer");
    assertThat(kustomization.at("/images/0/name").asText()).isEqualTo("scorestream/scorer");
    assertThat(kustomization.at("/images/0/newTag").asText()).isEqualTo(pom("version"));

    JsonNode policy = manifests.get("NetworkPolicy/scorestream-http");
    assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(labels);
    assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt())
        .isEqualTo(container.at("/ports/0/containerPort").asInt());
    assertThat(policy.at("/spec/ingress/0/from")).as("an empty from admits everyone").isNotEmpty();
    assertThat(policy.at("/spec/ingress/1/ports/0/port").asInt()).isEqualTo(management);
    assertThat(policy.at("/spec/ingress/1/from")).as("an empty from admits everyone").isNotEmpty();
  }

  /** The root pom's {@code <version>} or one of its properties. */
  static String pom(String name) throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String tag = name.equals("version") ? "version" : name;
    Matcher found = Pattern.compile("<" + tag + ">([^<]+)</" + tag + ">").matcher(pom);
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
  void retrainingControllerShouldRunBesideTheScorersOnTheirModelsVolume() throws IOException {
    Map<String, JsonNode> manifests = manifests();
    JsonNode scorers = manifests.get("StatefulSet/scorestream");
    JsonNode controller = manifests.get("Deployment/scorestream-retrain");
    assertThat(controller).as("deploy/k8s/retrain-deployment.yaml").isNotNull();
    JsonNode labels = controller.at("/spec/template/metadata/labels");
    assertThat(selects(controller.at("/spec/selector/matchLabels"), labels)).isTrue();
    for (String selector :
        List.of(
            "StatefulSet/scorestream /spec/selector/matchLabels",
            "Service/scorestream /spec/selector",
            "PodDisruptionBudget/scorestream /spec/selector/matchLabels",
            "NetworkPolicy/scorestream-http /spec/podSelector/matchLabels")) {
      String[] at = selector.split(" ");
      assertThat(selects(manifests.get(at[0]).at(at[1]), labels))
          .as("%s must not capture the controller's pods", selector)
          .isFalse();
    }

    JsonNode container = controller.at("/spec/template/spec/containers/0");
    assertThat(container.path("image").asText()).isEqualTo("scorestream/scorer");
    List<String> args = texts(container.path("args"));
    assertThat(args).startsWith("retrain", "--watch");
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    ScorerConfig config = controllerConfig(manifests, args, env);
    int port = config.getInt(ScorerConfig.RETRAIN_HTTP_PORT);
    assertThat(config.getString(ScorerConfig.RETRAIN_HTTP_HOST)).isEqualTo("0.0.0.0");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
    String portName = container.at("/ports/0/name").asText();
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(container.at("/" + probe + "/httpGet/port").asText())
          .as(probe)
          .isEqualTo(portName);
    }
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(controller.at("/spec/template/metadata/annotations/prometheus.io~1port").asText())
        .isEqualTo(String.valueOf(port));

    long memoryLimit = bytes(container.at("/resources/limits/memory").asText());
    assertThat(bytes(container.at("/resources/requests/memory").asText()))
        .isPositive()
        .isLessThanOrEqualTo(memoryLimit);
    double cpuLimit = cpus(container.at("/resources/limits/cpu").asText());
    assertThat(cpus(container.at("/resources/requests/cpu").asText()))
        .isPositive()
        .isLessThanOrEqualTo(cpuLimit);
    assertThat(env.get("JAVA_TOOL_OPTIONS"))
        .as("one processor per CPU of the limit; the heap left to the image's percentage")
        .contains("-XX:ActiveProcessorCount=" + (int) cpuLimit)
        .doesNotContain("-Xmx", "-Xms", "MaxRAM");
    assertThat(heap(memoryLimit)).as("the controller's heap").isGreaterThanOrEqualTo(512L << 20);

    JsonNode pod = controller.at("/spec/template/spec");
    String policyFile = args.get(args.indexOf("--policy") + 1);
    JsonNode policyVolume = volume(pod, mountedAt(container, Path.of(policyFile).getParent()));
    String generated = policyVolume.at("/configMap/name").asText();
    JsonNode generator = null;
    for (JsonNode candidate : kustomization().path("configMapGenerator")) {
      if (candidate.path("name").asText().equals(generated)) {
        generator = candidate;
      }
    }
    assertThat(generator).as("configMapGenerator " + generated).isNotNull();
    String fileName = Path.of(policyFile).getFileName().toString();
    assertThat(texts(generator.path("files"))).contains(fileName);
    RetrainingPolicy policy = RetrainingPolicy.read(K8S.resolve(fileName));
    assertThat(policy.model()).as("the name `scorer train` gives by default").isEqualTo("fraud");
    assertThat(policy.triggers().automatic()).isTrue();

    // One models volume: what the controller publishes is what the scorers watch.
    JsonNode scorerContainer = scorers.at("/spec/template/spec/containers/0");
    String modelDir = config.getString(ScorerConfig.MODEL_DIR);
    assertThat(config.getString(ScorerConfig.CHALLENGER_DIR)).startsWith(modelDir + "/.");
    String scorerMount = mountedAt(scorerContainer, Path.of(modelDir));
    String controllerMount = mountedAt(container, Path.of(modelDir));
    String claim = volume(pod, controllerMount).at("/persistentVolumeClaim/claimName").asText();
    assertThat(
            volume(scorers.at("/spec/template/spec"), scorerMount)
                .at("/persistentVolumeClaim/claimName")
                .asText())
        .isEqualTo(claim);
    assertThat(mount(container, controllerMount).path("readOnly").asBoolean())
        .as("the controller writes the models")
        .isFalse();
    assertThat(texts(manifests.get("PersistentVolumeClaim/" + claim).at("/spec/accessModes")))
        .as("pods on different nodes mount the claim, one of them read-write")
        .containsExactly("ReadWriteMany");

    JsonNode network = manifests.get("NetworkPolicy/scorestream-retrain-http");
    assertThat(selects(network.at("/spec/podSelector/matchLabels"), labels)).isTrue();
    assertThat(network.at("/spec/ingress/0/ports/0/port").asInt()).isEqualTo(port);
    assertThat(network.at("/spec/ingress/0/from")).as("an empty from admits everyone").isNotEmpty();
  }

  /** The controller's configuration: the ConfigMap it mounts, then its SCORER_* variables. */
  static ScorerConfig controllerConfig(
      Map<String, JsonNode> manifests, List<String> args, Map<String, String> env)
      throws IOException {
    String file = args.get(args.indexOf("--config") + 1);
    JsonNode controller = manifests.get("Deployment/scorestream-retrain");
    JsonNode container = controller.at("/spec/template/spec/containers/0");
    JsonNode volume =
        volume(
            controller.at("/spec/template/spec"), mountedAt(container, Path.of(file).getParent()));
    String properties =
        manifests
            .get("ConfigMap/" + volume.at("/configMap/name").asText())
            .at("/data/" + Path.of(file).getFileName())
            .asText();
    Path copy = Files.createTempFile("scorer", ".properties");
    try {
      Files.writeString(copy, properties);
      return ScorerConfig.load(copy, env);
    } finally {
      Files.delete(copy);
    }
  }

  @Test
  void composeShouldRunTheControllerOnTheScorersModelsAndScrapeIt() throws IOException {
    JsonNode services = YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).path("services");
    JsonNode retrain = services.path("retrain");
    List<String> command = texts(retrain.path("command"));
    assertThat(command).startsWith("retrain", "--watch");
    String policyFile = command.get(command.indexOf("--policy") + 1);
    String policySource = null;
    for (String volume : texts(retrain.path("volumes"))) {
      if (volume.endsWith(":" + policyFile + ":ro")) {
        policySource = volume.substring(0, volume.indexOf(':'));
      }
    }
    assertThat(policySource).as("a volume mounting " + policyFile).isNotNull();
    assertThat(RetrainingPolicy.read(ROOT.resolve(policySource)).model()).isEqualTo("fraud");

    assertThat(retrain.path("cpus").asDouble()).isPositive();
    assertThat(heap(bytes(retrain.path("mem_limit").asText()))).isGreaterThanOrEqualTo(512L << 20);
    assertThat(retrain.at("/environment/JAVA_TOOL_OPTIONS").asText())
        .contains("-XX:ActiveProcessorCount=" + (int) retrain.path("cpus").asDouble());

    JsonNode scorer = services.path("scorer");
    for (String key : List.of("SCORER_MODEL_DIR", "SCORER_CHALLENGER_DIR")) {
      assertThat(retrain.at("/environment/" + key).asText())
          .as(key)
          .isNotEmpty()
          .isEqualTo(scorer.at("/environment/" + key).asText());
    }
    String models = retrain.at("/environment/SCORER_MODEL_DIR").asText();
    assertThat(retrain.at("/environment/SCORER_CHALLENGER_DIR").asText()).startsWith(models + "/.");
    String scorerModels = hostSourceOf(scorer, models);
    assertThat(scorerModels).isNotNull().isEqualTo(hostSourceOf(retrain, models));
    assertThat(texts(retrain.path("volumes")))
        .as("read-write")
        .contains(scorerModels + ":" + models);
    assertThat(texts(services.at("/topics/command")).get(0))
        .contains(
            "--topic model-events --partitions 1 --replication-factor 1 --config retention.ms=-1");

    String port = retrain.at("/environment/SCORER_RETRAIN_HTTP_PORT").asText();
    assertThat(retrain.at("/healthcheck/test/1").asText())
        .contains("/" + port + " ")
        .contains("/health/live");
    JsonNode prometheus =
        YAML.readTree(ROOT.resolve("monitoring/prometheus/prometheus.yml").toFile());
    JsonNode job = null;
    for (JsonNode candidate : prometheus.path("scrape_configs")) {
      if (candidate.path("job_name").asText().equals("scorestream-retrain")) {
        job = candidate;
      }
    }
    assertThat(job).as("the job ScorerRetrainNoLeader watches").isNotNull();
    assertThat(job.toString()).contains("127.0.0.1:" + port);
    String management = scorer.at("/environment/SCORER_MANAGEMENT_PORT").asText();
    assertThat(prometheus.toString())
        .as("Prometheus scrapes the scorer's management port")
        .contains("127.0.0.1:" + management);
    assertThat(Files.readString(ROOT.resolve("monitoring/prometheus/alerts.yml")))
        .contains("up{job=\"scorestream-retrain\"}");
  }

  /** Whether a label selector matches pods with {@code labels}. */
  static boolean selects(JsonNode selector, JsonNode labels) {
    boolean all = true;
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) selector::fields) {
      all &= e.getValue().equals(labels.path(e.getKey()));
    }
    return all;
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }

  /** The name of the volume a container mounts at {@code path}. */
  static String mountedAt(JsonNode container, Path path) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (Path.of(mount.path("mountPath").asText()).equals(path)) {
        return mount.path("name").asText();
      }
    }
    throw new AssertionError(container.path("name").asText() + " mounts nothing at " + path);
  }

  static JsonNode mount(JsonNode container, String volume) {
    for (JsonNode mount : container.path("volumeMounts")) {
      if (mount.path("name").asText().equals(volume)) {
        return mount;
      }
    }
    throw new AssertionError("no mount of " + volume);
  }

  static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.path("name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  /** The host directory a compose service mounts at {@code target}. */
  static String hostSourceOf(JsonNode service, String target) {
    for (String volume : texts(service.path("volumes"))) {
      String[] parts = volume.split(":(?=/)");
      if (parts.length >= 2 && parts[1].replaceAll(":r[ow]$", "").equals(target)) {
        return parts[0];
      }
    }
    return null;
  }

  /** The heap the image's JVM takes from a memory limit ({@code -XX:MaxRAMPercentage}). */
  static long heap(long memoryLimit) throws IOException {
    Matcher percentage =
        Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)")
            .matcher(Files.readString(ROOT.resolve("docker/Dockerfile")));
    assertThat(percentage.find()).as("the image sizes its heap from the limit").isTrue();
    double share = Double.parseDouble(percentage.group(1)) / 100;
    assertThat(share).as("room for metaspace, threads and buffers").isLessThanOrEqualTo(0.75);
    return (long) (memoryLimit * share);
  }

  /** Bytes of a Kubernetes (1Gi, 768Mi) or compose (1g, 768m) memory size. */
  static long bytes(String size) {
    Matcher m = Pattern.compile("([0-9]+)([KMG])i?", Pattern.CASE_INSENSITIVE).matcher(size);
    assertThat(m.matches()).as("a memory size: " + size).isTrue();
    int shift = "KMG".indexOf(Character.toUpperCase(m.group(2).charAt(0))) * 10 + 10;
    return Long.parseLong(m.group(1)) << shift;
  }

  /** CPUs of a Kubernetes CPU quantity (1, "2", 500m). */
  static double cpus(String quantity) {
    return quantity.endsWith("m")
        ? Double.parseDouble(quantity.substring(0, quantity.length() - 1)) / 1000
        : Double.parseDouble(quantity);
  }

  /** Every PromQL expression of the dashboard (panels and annotations) and of the alert rules. */
  static List<String> expressions(JsonNode dashboard) throws IOException {
    List<String> expressions = new ArrayList<>();
    dashboard.at("/annotations/list").forEach(a -> expressions.add(a.path("expr").asText()));
    dashboard
        .path("panels")
        .forEach(p -> p.path("targets").forEach(t -> expressions.add(t.path("expr").asText())));
    YAML.readTree(ROOT.resolve("monitoring/prometheus/alerts.yml").toFile())
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> expressions.add(r.path("expr").asText())));
    return expressions;
  }

  static JsonNode dashboard() throws IOException {
    return new ObjectMapper()
        .readTree(ROOT.resolve("monitoring/grafana/dashboards/scorestream.json").toFile());
  }

  @Test
  void dashboardAndAlertsShouldWatchTheControllerThroughMetersItRegisters() throws IOException {
    String scrape = Scrapes.retrainingController();
    JsonNode dashboard = dashboard();

    Map<String, JsonNode> annotations = new HashMap<>();
    dashboard.at("/annotations/list").forEach(a -> annotations.put(a.path("name").asText(), a));
    assertThat(annotations.get("Promotions").path("expr").asText())
        .contains("scorer_retrain_decisions_total{decision=\"promoted\"}");
    assertThat(annotations.get("Rollbacks").path("expr").asText())
        .contains("scorer_retrain_decisions_total{decision=\"rolled_back\"}");
    assertThat(annotations.get("Rollbacks").path("iconColor").asText()).isEqualTo("red");

    StringBuilder row = new StringBuilder();
    boolean inRow = false;
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("type").asText().equals("row")) {
        inRow = panel.path("title").asText().equals("Retraining");
      } else if (inRow) {
        panel.path("targets").forEach(t -> row.append(t.path("expr").asText()).append('\n'));
      }
    }
    assertThat(controllerMetricsIn(row.toString()))
        .as("the Retraining row: phase, leader, decisions, shadow paired and p-value")
        .contains(
            "scorer_retrain_phase",
            "scorer_retrain_leader",
            "scorer_retrain_decisions_total",
            "scorer_retrain_shadow_paired",
            "scorer_retrain_shadow_p_value");

    String all = String.join("\n", expressions(dashboard));
    assertThat(controllerMetricsIn(all))
        .as("the controller's meters named in the dashboard and the alerts")
        .contains("scorer_retrain_cause_open_seconds", "scorer_retrain_cause_open_limit_seconds")
        .isSubsetOf(Scrapes.metricNames(scrape));
    Matcher selected = Pattern.compile("\\b(decision|phase|actor)=\"([a-z_]+)\"").matcher(all);
    int labels = 0;
    while (selected.find()) {
      labels++;
      assertThat(scrape)
          .as("a controller series selected by %s", selected.group())
          .contains(selected.group());
    }
    assertThat(labels).isPositive();
  }

  static Set<String> controllerMetricsIn(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = Pattern.compile("\\bscorer_retrain_[a-z_]+").matcher(promql);
    while (matcher.find()) {
      names.add(matcher.group());
    }
    return names;
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

    JsonNode dashboard = dashboard();
    assertThat(dashboard.path("title").asText()).isNotEmpty();
    List<Integer> ids = new ArrayList<>();
    dashboard
        .path("panels")
        .forEach(
            panel -> {
              ids.add(panel.path("id").asInt());
              if (panel.path("type").asText().equals("row")) {
                return; // a heading: no query
              }
              assertThat(panel.at("/datasource/uid").asText())
                  .as(panel.path("title").asText())
                  .isEqualTo(uid);
              assertThat(panel.path("targets").size())
                  .as(panel.path("title").asText())
                  .isPositive();
            });
    assertThat(ids).doesNotHaveDuplicates();
    dashboard
        .at("/annotations/list")
        .forEach(
            annotation ->
                assertThat(annotation.at("/datasource/uid").asText())
                    .as(annotation.path("name").asText())
                    .isEqualTo(uid));
  }
}
