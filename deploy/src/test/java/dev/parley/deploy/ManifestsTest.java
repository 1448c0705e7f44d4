package dev.parley.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.parley.platform.config.Setting;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads every manifest with the Kubernetes model and checks it against Parley itself: ports and
 * probes against the servers' settings and the operations port, environment variables against the
 * configuration table, the Services' names and ports against the clusters envoy.yaml reaches, and
 * compose against the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ManifestsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.of(
          "Deployment", Deployment.class,
          "Service", Service.class,
          "ConfigMap", ConfigMap.class,
          "Namespace", Namespace.class,
          "PodDisruptionBudget", PodDisruptionBudget.class,
          "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);
  private static final Map<String, Setting> SERVICES =
      Map.of(
          "conversation-service", Setting.CONVERSATION_PORT,
          "ticket-service", Setting.TICKET_PORT,
          "analytics-service", Setting.ANALYTICS_PORT);
  private static final Set<String> VARIABLES =
      Arrays.stream(Setting.values()).map(Setting::variable).collect(Collectors.toSet());

  private final Map<String, HasMetadata> base = new LinkedHashMap<>();
  private List<JsonNode> istio;
  private JsonNode envoyConfig;

  @BeforeAll
  void read() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("kubernetes/base"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        for (JsonNode document : documents(file)) {
          String kind = document.path("kind").asText();
          assertThat(KINDS).as(file + ": kind " + kind).containsKey(kind);
          HasMetadata resource = YAML.treeToValue(document, KINDS.get(kind));
          assertNoUnknownFields(resource, file + " " + kind);
          base.put(kind + "/" + resource.getMetadata().getName(), resource);
        }
      }
    }
    istio = documents(Path.of("kubernetes/overlays/istio/mesh.yaml"));
    envoyConfig = YAML.readTree(Path.of("../envoy/envoy.yaml").toFile());
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    List<JsonNode> documents = new ArrayList<>();
    try (var values = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (values.hasNext()) {
        JsonNode document = (JsonNode) values.next();
        if (document != null && !document.isEmpty()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  /** A misspelt field lands in a model object's additional properties: there must be none. */
  private static void assertNoUnknownFields(Object model, String where) {
    if (model == null || !model.getClass().getPackageName().startsWith("io.fabric8")) {
      return;
    }
    for (Method getter : model.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(model);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        assertThat((Map<?, ?>) value).as(where + " " + model.getClass().getSimpleName()).isEmpty();
      } else if (value instanceof Collection<?> items) {
        items.forEach(item -> assertNoUnknownFields(item, where));
      } else {
        assertNoUnknownFields(value, where);
      }
    }
  }

  private <T extends HasMetadata> T resource(Class<T> type, String name) {
    HasMetadata found = base.get(type.getSimpleName() + "/" + name);
    assertThat(found).as(type.getSimpleName() + " " + name).isNotNull();
    return type.cast(found);
  }

  private static int defaultPort(Setting setting) {
    return Integer.parseInt(setting.defaultValue().orElseThrow());
  }

  private static Container container(Deployment deployment) {
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    return deployment.getSpec().getTemplate().getSpec().getContainers().getFirst();
  }

  private static Map<String, Integer> ports(Container container) {
    return container.getPorts().stream()
        .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
  }

  @Test
  void eachServiceRunsItsServerWithItsPortsProbesAndLimits() {
    SERVICES.forEach(
        (name, portSetting) -> {
          Deployment deployment = resource(Deployment.class, name);
          Container container = container(deployment);
          assertThat(container.getImage()).startsWith("parley/" + name + ":");
          assertThat(ports(container))
              .containsExactlyInAnyOrderEntriesOf(
                  Map.of(
                      "grpc", defaultPort(portSetting),
                      "http-management", defaultPort(Setting.MANAGEMENT_PORT)));
          assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
          assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo("/healthz");
          assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
          for (var probe :
              List.of(
                  container.getLivenessProbe(),
                  container.getReadinessProbe(),
                  container.getStartupProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http-management");
          }
          assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
          assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
          assertThat(
                  deployment
                      .getSpec()
                      .getTemplate()
                      .getSpec()
                      .getSecurityContext()
                      .getRunAsNonRoot())
              .isTrue();
          assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
          // A drain (30 s at most, GrpcServer) fits in the grace period.
          assertThat(
                  deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
              .isGreaterThan(30);
        });
  }

  @Test
  void everyVariableIsASettingAndAServiceHasWhatItNeedsOnItsOwn() {
    ConfigMap config = resource(ConfigMap.class, "parley-config");
    assertThat(VARIABLES).containsAll(config.getData().keySet());
    SERVICES
        .keySet()
        .forEach(
            name -> {
              Container container = container(resource(Deployment.class, name));
              assertThat(container.getEnvFrom())
                  .anySatisfy(
                      from ->
                          assertThat(from.getConfigMapRef().getName()).isEqualTo("parley-config"));
              Set<String> variables = new java.util.HashSet<>(config.getData().keySet());
              for (EnvVar env : container.getEnv()) {
                if (!env.getName().equals("JAVA_TOOL_OPTIONS")) {
                  assertThat(VARIABLES).as(name).contains(env.getName());
                }
                variables.add(env.getName());
              }
              assertThat(variables)
                  .contains(
                      Setting.DATABASE_URL.variable(),
                      Setting.DATABASE_USER.variable(),
                      Setting.DATABASE_PASSWORD.variable(),
                      Setting.DATABASE_APP_PASSWORD.variable(),
                      Setting.INTERNAL_TOKEN.variable(),
                      Setting.CONVERSATION_TARGET.variable(),
                      Setting.TICKET_TARGET.variable(),
                      Setting.ANALYTICS_TARGET.variable());
            });
    // The peers' targets are the Services at their gRPC ports.
    SERVICES.forEach(
        (name, portSetting) -> {
          String target =
              config
                  .getData()
                  .get("PARLEY_" + name.replace("-service", "").toUpperCase() + "_TARGET");
          assertThat(target).isEqualTo(name + ":" + defaultPort(portSetting));
        });
  }

  @Test
  void servicesAreNamedForProtocolDetectionAndReachTheirPods() {
    for (HasMetadata resource : base.values()) {
      if (!(resource instanceof Service service)) {
        continue;
      }
      Deployment deployment =
          base.values().stream()
              .filter(Deployment.class::isInstance)
              .map(Deployment.class::cast)
              .filter(
                  d ->
                      d.getSpec()
                          .getTemplate()
                          .getMetadata()
                          .getLabels()
                          .entrySet()
                          .containsAll(service.getSpec().getSelector().entrySet()))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError("no pods for " + service.getMetadata().getName()));
      Map<String, Integer> containerPorts = ports(container(deployment));
      for (ServicePort port : service.getSpec().getPorts()) {
        String protocol = port.getAppProtocol();
        assertThat(protocol).as(port.getName()).isIn("grpc", "http");
        assertThat(port.getName()).as(port.getName()).startsWith(protocol);
        assertThat(containerPorts).containsKey(port.getTargetPort().getStrVal());
      }
    }
  }

  @Test
  void everyDeploymentHasADisruptionBudgetAndAnAutoscaler() {
    for (HasMetadata resource : base.values()) {
      if (!(resource instanceof Deployment deployment)) {
        continue;
      }
      String name = deployment.getMetadata().getName();
      PodDisruptionBudget budget = resource(PodDisruptionBudget.class, name);
      assertThat(budget.getSpec().getSelector().getMatchLabels())
          .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
      HorizontalPodAutoscaler autoscaler = resource(HorizontalPodAutoscaler.class, name);
      assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
      assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThan(1);
    }
  }

  /** The clusters' addresses in envoy.yaml, as host:port. */
  private Set<String> envoyClusters() {
    Set<String> addresses = new java.util.TreeSet<>();
    for (JsonNode cluster : envoyConfig.at("/static_resources/clusters")) {
      for (JsonNode endpoint : cluster.at("/load_assignment/endpoints")) {
        for (JsonNode lb : endpoint.path("lb_endpoints")) {
          JsonNode address = lb.at("/endpoint/address/socket_address");
          addresses.add(
              address.path("address").asText() + ":" + address.path("port_value").asInt());
        }
      }
    }
    return addresses;
  }

  private Set<Integer> envoyListenerPorts() {
    Set<Integer> ports = new java.util.TreeSet<>();
    for (JsonNode listener : envoyConfig.at("/static_resources/listeners")) {
      ports.add(listener.at("/address/socket_address/port_value").asInt());
    }
    return ports;
  }

  @Test
  void envoyReachesTheServicesAtTheirNamesAndServesItsListeners() throws IOException {
    Set<String> services = new java.util.TreeSet<>();
    SERVICES.forEach((name, port) -> services.add(name + ":" + defaultPort(port)));
    assertThat(envoyClusters()).isEqualTo(services);
    for (String name : SERVICES.keySet()) {
      Service service = resource(Service.class, name);
      assertThat(service.getSpec().getPorts())
          .anySatisfy(
              port ->
                  assertThat(name + ":" + port.getPort())
                      .isEqualTo(name + ":" + defaultPort(SERVICES.get(name))));
    }
    Container envoy = container(resource(Deployment.class, "envoy"));
    assertThat(envoy.getImage()).startsWith("envoyproxy/envoy:");
    assertThat(Set.copyOf(ports(envoy).values())).isEqualTo(envoyListenerPorts());
    // The descriptor set is mounted where the transcoder reads it.
    String descriptor = null;
    for (JsonNode filter :
        envoyConfig.at(
            "/static_resources/listeners/0/filter_chains/0/filters/0/typed_config/http_filters")) {
      if (filter.path("name").asText().equals("envoy.filters.http.grpc_json_transcoder")) {
        descriptor = filter.at("/typed_config/proto_descriptor").asText();
      }
    }
    assertThat(descriptor).isNotNull();
    String folder = descriptor.substring(0, descriptor.lastIndexOf('/'));
    assertThat(envoy.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo(folder));
    JsonNode kustomization = YAML.readTree(Path.of("kubernetes/base/kustomization.yaml").toFile());
    List<String> files = new ArrayList<>();
    kustomization.at("/configMapGenerator/0/files").forEach(f -> files.add(f.asText()));
    // Every file envoy.yaml reads from /etc/parley/ (the descriptor set, the OpenAPI documents)
    // comes from what the envoy module's build writes, in the ConfigMap and in compose.
    List<String> expected = new ArrayList<>(List.of("envoy.yaml=../../../envoy/envoy.yaml"));
    Map<String, String> items = new HashMap<>();
    for (var volume :
        resource(Deployment.class, "envoy").getSpec().getTemplate().getSpec().getVolumes()) {
      if (volume.getConfigMap() != null) {
        volume.getConfigMap().getItems().forEach(i -> items.put(i.getPath(), i.getKey()));
      }
    }
    List<String> read = parleyFiles(envoyConfig);
    assertThat(read).contains("parley.pb", "openapi/inkeep.json");
    for (String file : read) {
      assertThat(items).as(file).containsKey(file);
      expected.add(items.get(file) + "=../../../envoy/target/envoy/" + file);
    }
    assertThat(files).containsExactlyInAnyOrderElementsOf(expected);
    JsonNode compose = YAML.readTree(Path.of("compose/compose.yaml").toFile());
    List<String> volumes = new ArrayList<>();
    compose.at("/services/envoy/volumes").forEach(v -> volumes.add(v.asText()));
    assertThat(volumes).contains("../../envoy/target/envoy:" + folder + ":ro");
    assertThat(Path.of("kubernetes/base/../../../envoy/envoy.yaml")).exists();
    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(r -> resources.add(r.asText()));
    try (Stream<Path> yamls = Files.list(Path.of("kubernetes/base"))) {
      assertThat(resources)
          .containsExactlyInAnyOrderElementsOf(
              yamls
                  .map(p -> p.getFileName().toString())
                  .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
                  .toList());
    }
  }

  @Test
  void theIstioOverlayRequiresMutualTlsAndPoliciesEveryService() throws IOException {
    Map<String, JsonNode> byKind = new HashMap<>();
    Set<String> hosts = new java.util.TreeSet<>();
    for (JsonNode document : istio) {
      byKind.putIfAbsent(document.path("kind").asText(), document);
      if (document.path("kind").asText().equals("DestinationRule")) {
        hosts.add(document.at("/spec/host").asText());
        assertThat(document.at("/spec/trafficPolicy/tls/mode").asText()).isEqualTo("ISTIO_MUTUAL");
      }
    }
    assertThat(byKind.get("PeerAuthentication").at("/spec/mtls/mode").asText()).isEqualTo("STRICT");
    assertThat(hosts)
        .isEqualTo(
            SERVICES.keySet().stream()
                .map(name -> name + ".parley.svc.cluster.local")
                .collect(Collectors.toCollection(java.util.TreeSet::new)));
    String kustomization =
        Files.readString(Path.of("kubernetes/overlays/istio/kustomization.yaml"));
    assertThat(kustomization).contains("istio-injection").contains("../../base");
  }

  @Test
  void composeRunsTheSameServicesAtTheNamesEnvoyUses() throws IOException {
    JsonNode compose = YAML.readTree(Path.of("compose/compose.yaml").toFile());
    Set<String> names = new java.util.TreeSet<>();
    compose.path("services").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsAll(SERVICES.keySet()).contains("postgres", "envoy");
    for (String name : SERVICES.keySet()) {
      assertThat(compose.at("/services/" + name + "/image").asText())
          .startsWith("parley/" + name + ":");
    }
    Set<Integer> published = new java.util.TreeSet<>();
    compose
        .at("/services/envoy/ports")
        .forEach(p -> published.add(Integer.parseInt(p.asText().split(":")[1])));
    assertThat(published).isEqualTo(envoyListenerPorts());
    List<String> example = Files.readAllLines(Path.of("compose/parley.env.example"));
    Map<String, String> values = new HashMap<>();
    for (String line : example) {
      if (line.startsWith("PARLEY_")) {
        String[] pair = line.split("=", 2);
        assertThat(VARIABLES).contains(pair[0]);
        values.put(pair[0], pair[1]);
      }
    }
    SERVICES.forEach(
        (name, port) ->
            assertThat(
                    values.get("PARLEY_" + name.replace("-service", "").toUpperCase() + "_TARGET"))
                .isEqualTo(name + ":" + defaultPort(port)));
    assertThat(values.get("PARLEY_DATABASE_URL")).contains("//postgres:5432/");
  }

  /** The files below /etc/parley/ that an Envoy config reads, relative to that folder. */
  private static List<String> parleyFiles(JsonNode node) {
    List<String> files = new ArrayList<>();
    if (node.isTextual() && node.asText().startsWith("/etc/parley/")) {
      files.add(node.asText().substring("/etc/parley/".length()));
    }
    node.forEach(child -> files.addAll(parleyFiles(child)));
    return files;
  }
}
