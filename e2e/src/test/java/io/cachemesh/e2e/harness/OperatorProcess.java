package io.cachemesh.e2e.harness;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code operator/target/operator.jar} against the mock API server (its kubeconfig in
 * {@code KUBECONFIG}), leader election off, short heartbeat and retry intervals so status converges
 * within the suite's budget. Ready when {@code /readyz} answers 200.
 *
 * <p>The admission webhooks are on, with self-managed certificates: the operator writes its CA and
 * serving certificate to the Secret {@code cachemesh-webhook-tls} of {@code --webhook-namespace} and
 * patches the caBundle of the webhook configurations the harness installed from
 * {@code manifests/install/webhooks.yaml}; {@link Admission} reaches it on a fixed loopback port
 * (kept across a restart, as a Service would be).
 */
public final class OperatorProcess implements AutoCloseable {
  private static final Pattern HEALTH = Pattern.compile("event=health_listening port=(\\d+)");
  public static final String SIDECAR_VERSION = "0.1.0";
  /** Never pulled: the kubelet of the harness runs sidecar.jar, whatever the image says. */
  public static final String SIDECAR_IMAGE = "cachemesh/sidecar:" + SIDECAR_VERSION;
  private static final String MAIN = "io.cachemesh.operator.Main";
  private final MockApiServer api;
  private final String namespace;
  private final String webhookNamespace;
  private final List<String> extraFlags;
  private final int webhookPort = E2eDirs.freePort();
  private ManagedProcess process;
  private int healthPort;

  private OperatorProcess(MockApiServer api, String namespace, String webhookNamespace, List<String> extraFlags) {
    this.api = api;
    this.namespace = namespace;
    this.webhookNamespace = webhookNamespace;
    this.extraFlags = List.copyOf(extraFlags);
  }

  /**
   * @param namespace the namespace it watches
   * @param webhookNamespace the operator's own namespace (webhook Service and Secret)
   */
  public static OperatorProcess start(MockApiServer api, String namespace, String webhookNamespace, List<String> extraFlags) {
    OperatorProcess operator = new OperatorProcess(api, namespace, webhookNamespace, extraFlags);
    operator.launch();
    return operator;
  }

  private void launch() {
    List<String> flags = new ArrayList<>(List.of(
        "--namespace=" + namespace,
        "--leader-election=false",
        "--metrics-port=0",
        "--sidecar-version=" + SIDECAR_VERSION,
        "--heartbeat-interval=1s",
        "--broker-timeout=500ms",
        "--retry-initial=200ms",
        "--retry-max=2s",
        "--webhook-port=" + webhookPort,
        "--webhook-namespace=" + webhookNamespace,
        "--sidecar-image=" + SIDECAR_IMAGE,
        "--native-sidecars=true"));
    flags.addAll(extraFlags);
    process = ManagedProcess.start("operator",
        Jvm.jarPlus(E2eDirs.operatorJar(), MAIN, List.of(), "256m", flags),
        Map.of("KUBECONFIG", api.kubeconfig().toString(), "HOSTNAME", "operator-e2e"));
    healthPort = Integer.parseInt(process.awaitLog(HEALTH, Duration.ofSeconds(90)));
    await("operator /readyz").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
      process.requireAlive();
      return Http.status("http://127.0.0.1:" + healthPort + "/readyz") == 200;
    });
  }

  /** SIGKILL (a crash: nothing is flushed, no status is written on the way out), then a new process. */
  public void killAndRestart() {
    process.kill();
    launch();
  }

  /** The webhook server's address (the endpoint of the Service {@code cachemesh-webhook}). */
  public InetSocketAddress webhookAddress() {
    return new InetSocketAddress("127.0.0.1", webhookPort);
  }

  public ManagedProcess process() {
    return process;
  }

  public String metrics() {
    return Http.get("http://127.0.0.1:" + healthPort + "/metrics").body();
  }

  @Override
  public void close() {
    process.close();
  }
}
