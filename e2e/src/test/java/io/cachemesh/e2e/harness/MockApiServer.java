package io.cachemesh.e2e.harness;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The mock API server process, a kubeconfig pointing at it, and a client of it for the tests. */
public final class MockApiServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("event=mock_api_server_listening port=(\\d+)");

  private final ManagedProcess process;
  private final int port;
  private final Path kubeconfig;
  private final KubernetesClient client;

  private MockApiServer(ManagedProcess process, int port, Path kubeconfig, KubernetesClient client) {
    this.process = process;
    this.port = port;
    this.kubeconfig = kubeconfig;
    this.client = client;
  }

  /** @param namespace the kubeconfig's namespace; created with {@code others} */
  public static MockApiServer start(String namespace, String... others) {
    List<String> args = new java.util.ArrayList<>(List.of(E2eDirs.crdsDir().toString(), namespace));
    args.addAll(List.of(others));
    ManagedProcess process = ManagedProcess.start("mock-api-server", Jvm.testMain(MockApiServerMain.class, "256m", args),
        Map.of());
    try {
      int port = Integer.parseInt(process.awaitLog(LISTENING, Duration.ofSeconds(60)));
      Path kubeconfig = E2eDirs.workDir("kube").resolve("config");
      Files.writeString(kubeconfig, kubeconfig(port, namespace));
      KubernetesClient client = new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
      return new MockApiServer(process, port, kubeconfig, client);
    } catch (IOException e) {
      process.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
  }

  private static String kubeconfig(int port, String namespace) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster:
              server: http://127.0.0.1:%d
        users:
          - name: e2e
            user:
              token: e2e
        contexts:
          - name: mock
            context:
              cluster: mock
              user: e2e
              namespace: %s
        current-context: mock
        """.formatted(port, namespace);
  }

  public int port() {
    return port;
  }

  /** The file to pass as {@code KUBECONFIG} to processes that talk to this server. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    process.close();
  }
}
