package io.cachemesh.operator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** The fabric8 mock API server in CRUD mode (plain HTTP on loopback), with the generated CRDs installed. */
public final class MockCluster implements AutoCloseable {
  public static final String NAMESPACE = "shop";
  private final KubernetesMockServer server = new KubernetesMockServer(
      new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
  private final KubernetesClient client;

  public MockCluster() {
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    for (String crd : new String[] {"cachepolicies.cachemesh.io.yaml", "cacheinvalidations.cachemesh.io.yaml"}) {
      try (InputStream in = Files.newInputStream(Path.of("..", "crds", crd))) {
        client.apiextensions().v1().customResourceDefinitions().load(in).create();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Another client of the same server, as a second operator replica would have. */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  public void brokerSecret(String name, String url) {
    client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withData(Map.of("url", Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))))
        .build()).create();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
