package io.cachemesh.e2e.harness;

import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One {@code sidecar.jar} process started from a pod's container args and env (see {@link Kubelet}). */
public final class SidecarProcess implements AutoCloseable {
  /** The host clients use, through the application's Service, whichever replica answers. */
  public static final String SERVICE_HOST = "shop.example";
  private final ManagedProcess process;
  private final int proxyPort;
  private final int adminPort;
  private final int opsPort;

  private SidecarProcess(ManagedProcess process, int proxyPort, int adminPort, int opsPort) {
    this.process = process;
    this.proxyPort = proxyPort;
    this.adminPort = adminPort;
    this.opsPort = opsPort;
  }

  /** Starts it and waits until {@code /ready} answers 200 on the ops port. */
  public static SidecarProcess start(String name, List<String> args, Map<String, String> env) {
    ManagedProcess process = ManagedProcess.start(name, Jvm.jar(E2eDirs.sidecarJar(), "96m", args), env);
    SidecarProcess sidecar = new SidecarProcess(process, port(args, "--listen"), port(args, "--admin-listen"),
        port(args, "--ops-listen"));
    try {
      await(name + " /ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
        process.requireAlive();
        return Http.status(sidecar.opsUrl("/ready")) == 200;
      });
    } catch (RuntimeException e) {
      process.close();
      throw e;
    }
    return sidecar;
  }

  private static int port(List<String> args, String flag) {
    int i = args.indexOf(flag);
    if (i < 0 || i + 1 >= args.size()) {
      throw new IllegalArgumentException("sidecar args have no " + flag + ": " + args);
    }
    String hostPort = args.get(i + 1);
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  public String name() {
    return process.name();
  }

  public int proxyPort() {
    return proxyPort;
  }

  public String url(String pathAndQuery) {
    return "http://127.0.0.1:" + proxyPort + pathAndQuery;
  }

  public String opsUrl(String path) {
    return "http://127.0.0.1:" + opsPort + path;
  }

  public String adminUrl(String path) {
    return "http://127.0.0.1:" + adminPort + path;
  }

  /** A GET as a client of the Service sends it: with the Service's host name, the same for every replica. */
  public HttpResponse<String> get(String pathAndQuery) {
    return get(pathAndQuery, Map.of());
  }

  public HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
    return Http.get(url(pathAndQuery), withHost(headers));
  }

  public HttpResponse<String> post(String pathAndQuery) {
    return Http.post(url(pathAndQuery), withHost(Map.of()));
  }

  private static Map<String, String> withHost(Map<String, String> headers) {
    if (headers.keySet().stream().anyMatch("Host"::equalsIgnoreCase)) {
      return headers;
    }
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.put("Host", SERVICE_HOST);
    return all;
  }

  /** The hash of the config in force ({@code X-Config-Hash} of the admin API), or "" in pass-through. */
  public String configHash() {
    HttpResponse<String> response = Http.get(adminUrl("/config"));
    return response.statusCode() == 200 ? response.headers().firstValue("X-Config-Hash").orElse("") : "";
  }

  public String metrics() {
    return Http.get(opsUrl("/metrics")).body();
  }

  /** One metric of {@code /metrics} on the ops port, summed over the samples carrying {@code labels}. */
  public double metric(String name, Map<String, String> labels) {
    return Metrics.sum(metrics(), name, labels);
  }

  /** Invalidation events this replica read from the broker with {@code result} (applied, malformed, failed). */
  public double brokerEvents(String result) {
    return metric("cachemesh_broker_events_total", Map.of("result", result));
  }

  /** Times this replica found it may have missed invalidations and dropped its memory tier. */
  public double brokerGaps() {
    return metric("cachemesh_broker_gaps_total", Map.of());
  }

  public ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
