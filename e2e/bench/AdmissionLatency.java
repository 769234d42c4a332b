// Admission latency of the sidecar-injection webhook, over real HTTPS on loopback.
//
//   ./mvnw -B -q -pl operator -am package -DskipTests
//   java -cp operator/target/operator.jar e2e/bench/AdmissionLatency.java [requests]
//
// Starts the operator's AdmissionServer (the production handler chain: HTTPS, AdmissionReview
// parsing, the injector, the minimal JSON patch) with the catalog example policy in a fixed
// lookup (production reads informer caches: no API call per admission either way), then sends
// Pod CREATE reviews one at a time on a keep-alive connection and prints p50/p99/max.
import io.cachemesh.api.yaml.PolicyYaml;
import io.cachemesh.operator.admission.AdmissionServer;
import io.cachemesh.operator.admission.PolicyLookup;
import io.cachemesh.operator.injection.InjectionSettings;
import io.cachemesh.operator.injection.SidecarInjector;
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

public class AdmissionLatency {
  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    Path work = Files.createTempDirectory("admission-bench");
    Path keystore = work.resolve("bench.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "san=ip:127.0.0.1", "-validity", "1", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "benchpass").inheritIO().start();
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed");
    }
    char[] pass = "benchpass".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = new FileInputStream(keystore.toFile())) {
      ks.load(in, pass);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pass);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);

    var policy = PolicyYaml.readPolicy(Path.of("manifests/examples/catalog-per-route.yaml"));
    var lookup = PolicyLookup.fixed(List.of(policy), Map.of("shop", Map.of()));
    var injector = new SidecarInjector(InjectionSettings.of("ghcr.io/cachemesh/sidecar:bench", "bench", true, "cachemesh-system"));
    try (AdmissionServer admission = AdmissionServer.cachemesh(new InetSocketAddress("127.0.0.1", 0), server, injector, lookup).start()) {
      URI uri = URI.create("https://127.0.0.1:" + admission.address().getPort() + AdmissionServer.MUTATE_PODS);
      HttpClient http = HttpClient.newBuilder().sslContext(client).version(HttpClient.Version.HTTP_1_1).build();
      int warmup = Math.min(2000, requests);
      for (int i = 0; i < warmup; i++) {
        send(http, uri, i);
      }
      long[] nanos = new long[requests];
      for (int i = 0; i < requests; i++) {
        long t0 = System.nanoTime();
        send(http, uri, warmup + i);
        nanos[i] = System.nanoTime() - t0;
      }
      Arrays.sort(nanos);
      System.out.printf("admission /mutate-pods over HTTPS, %d sequential requests after %d warm-up: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          requests, warmup, ms(nanos[requests / 2]), ms(nanos[(int) (requests * 0.99)]), ms(nanos[requests - 1]));
    }
  }

  private static void send(HttpClient http, URI uri, int i) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(review(i))).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"patch\"")) {
      throw new IllegalStateException("admission did not inject: " + response.statusCode() + " " + response.body());
    }
  }

  private static String review(int i) {
    return """
        {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{
          "uid":"bench-%d","kind":{"group":"","version":"v1","kind":"Pod"},
          "resource":{"group":"","version":"v1","resource":"pods"},"namespace":"shop","operation":"CREATE",
          "object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"catalog-%d","namespace":"shop",
            "labels":{"app.kubernetes.io/name":"catalog"},"annotations":{"cachemesh.io/policy":"catalog"}},
            "spec":{"containers":[{"name":"app","image":"shop/catalog:1","ports":[{"name":"http","containerPort":8080}],
              "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"}}}]}}}}
        """.formatted(i, i);
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }
}
