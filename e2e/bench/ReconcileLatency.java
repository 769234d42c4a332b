// Operator reconcile latency for many CachePolicies, against a running API server (KUBECONFIG).
// Started by `e2e/bench/fleet.sh reconcile` once the mock API server and the operator are up; run
// as a single-file program on the operator jar's classpath (fabric8 client, the API types):
//
//   KUBECONFIG=... java -cp operator/target/operator.jar e2e/bench/ReconcileLatency.java <namespace> <policies>
//
// Watches ConfigMaps and CachePolicies of the namespace (informers), then creates the policies
// one after another as fast as the API server takes them (a GitOps sync of a whole directory) and
// records, per policy, the time from its create call's answer (the object exists) to the first event showing its
// ConfigMap (`<name>-cachemesh`) and the first showing status Accepted=True. Prints p50/p99/max
// of both, the create rate, and the time from the first create to the last policy converged.
import io.cachemesh.api.CachePolicy;
import io.cachemesh.api.yaml.PolicyYaml;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

public class ReconcileLatency {
  private static final String SUFFIX = "-cachemesh";

  public static void main(String[] args) throws Exception {
    String namespace = args[0];
    int policies = Integer.parseInt(args[1]);
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> configMapSeen = new ConcurrentHashMap<>();
    Map<String, Long> acceptedSeen = new ConcurrentHashMap<>();
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      var configMaps = client.configMaps().inNamespace(namespace).inform(
          first(configMapSeen, cm -> cm.getMetadata().getName().endsWith(SUFFIX),
              cm -> cm.getMetadata().getName().substring(0, cm.getMetadata().getName().length() - SUFFIX.length())));
      var statuses = client.resources(CachePolicy.class).inNamespace(namespace).inform(
          first(acceptedSeen, ReconcileLatency::accepted, p -> p.getMetadata().getName()));
      try (configMaps; statuses) {
        long start = System.nanoTime();
        for (int i = 0; i < policies; i++) {
          String name = "bench-%04d".formatted(i);
          CachePolicy policy = PolicyYaml.readPolicy(yaml(namespace, name));
          client.resource(policy).create();
          created.put(name, System.nanoTime());
        }
        long createdAll = System.nanoTime();
        long deadline = createdAll + Duration.ofMinutes(5).toNanos();
        while ((configMapSeen.size() < policies || acceptedSeen.size() < policies) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        long converged = Math.max(
            configMapSeen.values().stream().mapToLong(Long::longValue).max().orElse(start),
            acceptedSeen.values().stream().mapToLong(Long::longValue).max().orElse(start));
        System.out.printf("reconcile: %d CachePolicies created in %.1f s (%.0f/s, one client, sequential)%n",
            policies, seconds(createdAll - start), policies / seconds(createdAll - start));
        // The first policies meet a cold operator (JIT, informer start-up): shown apart as well.
        Map<String, Long> warm = new ConcurrentHashMap<>(created);
        warm.keySet().removeIf(name -> Integer.parseInt(name.substring("bench-".length())) < policies / 10);
        System.out.printf("create -> ConfigMap: all %s; after the first 10%%: %s%n",
            latencies(created, configMapSeen), latencies(warm, configMapSeen));
        System.out.printf("create -> status Accepted=True: all %s; after the first 10%%: %s%n",
            latencies(created, acceptedSeen), latencies(warm, acceptedSeen));
        System.out.printf("first create -> last policy converged (ConfigMap and Accepted): %.1f s%n", seconds(converged - start));
        if (configMapSeen.size() < policies || acceptedSeen.size() < policies) {
          System.exit(1);
        }
      }
    }
  }

  private static boolean accepted(CachePolicy policy) {
    return policy.getStatus() != null && policy.getStatus().conditions() != null
        && policy.getStatus().conditions().stream()
            .anyMatch(c -> "Accepted".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Records the first time an object matching {@code when} is seen, under its policy's name. */
  private static <T extends HasMetadata> ResourceEventHandler<T> first(
      Map<String, Long> seen, Predicate<T> when, java.util.function.Function<T, String> policyName) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        record(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        record(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {}

      private void record(T obj) {
        if (when.test(obj)) {
          seen.putIfAbsent(policyName.apply(obj), System.nanoTime());
        }
      }
    };
  }

  private static String latencies(Map<String, Long> created, Map<String, Long> seen) {
    long[] ms = created.entrySet().stream()
        .filter(e -> seen.containsKey(e.getKey()))
        .mapToLong(e -> (seen.get(e.getKey()) - e.getValue()) / 1_000_000)
        .sorted().toArray();
    if (ms.length == 0) {
      return "none seen";
    }
    return "p50 %d ms, p99 %d ms, max %d ms (%d of %d seen)".formatted(
        ms[(ms.length - 1) / 2], ms[(int) Math.ceil(ms.length * 0.99) - 1], ms[ms.length - 1], ms.length, created.size());
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static String yaml(String namespace, String name) {
    return """
        apiVersion: cachemesh.io/v1alpha1
        kind: CachePolicy
        metadata:
          name: %s
          namespace: %s
        spec:
          selector:
            matchLabels:
              app: %s
          upstream:
            port: http
          defaults:
            ttl: 2m
            staleIfError: 10m
          rules:
            - name: product
              match:
                path:
                  template: /products/{id}
              ttl: 1m
              tags:
                - product:{id}
            - name: cart
              match:
                path:
                  prefix: /cart
              cache: false
        """.formatted(name, namespace, name);
  }
}
