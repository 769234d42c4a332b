package io.cachemesh.e2e.harness;

import static org.awaitility.Awaitility.await;

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
 * <p>Webhooks are off ({@code CACHEMESH_WEBHOOKS=false}): the harness runs the injector itself
 * (see {@link Admission}). To go through the operator's webhook instead: drop that variable, pass
 * {@code --webhook-port=<free port>} and {@code --webhook-namespace}, create the
 * Mutating/ValidatingWebhookConfiguration objects in the mock server, and send AdmissionReviews
 * over HTTPS trusting the {@code ca.crt} of the webhook Secret.
 */
public final class OperatorProcess implements AutoCloseable {
  private static final Pattern HEALTH = Pattern.compile("event=health_listening port=(\\d+)");
  private static final String MAIN = "io.cachemesh.operator.Main";
  private final MockApiServer api;
  private final String namespace;
  private final List<String> extraFlags;
  private ManagedProcess process;
  private int healthPort;

  private OperatorProcess(MockApiServer api, String namespace, List<String> extraFlags) {
    this.api = api;
    this.namespace = namespace;
    this.extraFlags = List.copyOf(extraFlags);
  }

  public static OperatorProcess start(MockApiServer api, String namespace, List<String> extraFlags) {
    OperatorProcess operator = new OperatorProcess(api, namespace, extraFlags);
    operator.launch();
    return operator;
  }

  private void launch() {
    List<String> flags = new ArrayList<>(List.of(
        "--namespace=" + namespace,
        "--leader-election=false",
        "--metrics-port=0",
        "--sidecar-version=" + Admission.SIDECAR_VERSION,
        "--heartbeat-interval=1s",
        "--broker-timeout=500ms",
        "--retry-initial=200ms",
        "--retry-max=2s"));
    flags.addAll(extraFlags);
    process = ManagedProcess.start("operator",
        Jvm.jarPlus(E2eDirs.operatorJar(), MAIN, List.of(), "256m", flags),
        Map.of("KUBECONFIG", api.kubeconfig().toString(), "HOSTNAME", "operator-e2e",
            // By environment, not flag: an operator without webhooks ignores it, one with them
            // (default on) would otherwise need webhook configurations the mock server does not have.
            "CACHEMESH_WEBHOOKS", "false"));
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
