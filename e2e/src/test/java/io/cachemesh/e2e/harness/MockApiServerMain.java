package io.cachemesh.e2e.harness;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * The fabric8 mock API server in CRUD mode as a process of its own: {@code MockApiServerMain
 * <crds dir> <namespace>...} installs every {@code *.yaml} CRD of the directory, creates the
 * namespaces, prints {@code event=mock_api_server_listening port=N} and serves (plain HTTP, loopback)
 * until it is terminated.
 */
public final class MockApiServerMain {
  private MockApiServerMain() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(
        new Context(), new MockWebServer(), expectations, new KubernetesMixedDispatcher(expectations), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    // CRUD mode cannot evaluate RBAC; JOSDK asks whether it may use Leases before electing a leader.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "list", "watch", "create", "update", "patch", "delete").endResourceRule()
            .withIncomplete(false).endStatus().build())
        .always();
    try (KubernetesClient client = server.createClient();
        DirectoryStream<Path> crds = Files.newDirectoryStream(Path.of(args[0]), "*.yaml")) {
      for (Path crd : crds) {
        try (InputStream in = Files.newInputStream(crd)) {
          client.apiextensions().v1().customResourceDefinitions().load(in).create();
        }
      }
      for (int i = 1; i < args.length; i++) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(args[i]).endMetadata().build())
            .create();
      }
    }
    System.out.println("event=mock_api_server_listening port=" + server.getPort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
