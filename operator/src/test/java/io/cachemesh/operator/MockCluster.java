package io.cachemesh.operator;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
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
import java.util.Queue;

/** The fabric8 mock API server in CRUD mode (plain HTTP on loopback), with the generated CRDs installed. */
public final class MockCluster implements AutoCloseable {
  public static final String NAMESPACE = "shop";
  private final Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
  private final KubernetesMockServer server = new KubernetesMockServer(
      new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
  private final KubernetesClient client;

  public MockCluster() {
    server.init(InetAddress.getLoopbackAddress(), 0);
    // The CRUD mock cannot evaluate RBAC; JOSDK asks whether it may use Leases before electing a
    // leader. Answer as a cluster whose service account has the Role listed in the README.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
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

  /** For a one-off answer in front of the CRUD store (expectations win over it while they last). */
  public KubernetesMockServer server() {
    return server;
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
