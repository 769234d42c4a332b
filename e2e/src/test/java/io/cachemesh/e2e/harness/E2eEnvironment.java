package io.cachemesh.e2e.harness;

import io.cachemesh.api.CacheInvalidation;
import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The processes every scenario shares, started once per test run (see {@link E2eExtension}): a
 * Redis, the mock API server (with the install manifests' webhook configurations), the operator
 * (serving those webhooks), the origin app, and the harness's kubelet, admission step and garbage
 * collector. Scenarios keep apart by using their own policy and pod names.
 */
public final class E2eEnvironment implements AutoCloseable {
  public static final String NAMESPACE = "shop";
  public static final String OPERATOR_NAMESPACE = "cachemesh-system";
  private static final String WEBHOOK_SERVICE = "cachemesh-webhook";

  private final List<AutoCloseable> started = new ArrayList<>();
  private final RedisProcess redis;
  private final MockApiServer api;
  private final OperatorProcess operator;
  private final OriginApp origin;
  private final Kubelet kubelet;
  private final Admission admission;

  private E2eEnvironment() {
    try {
      redis = track(RedisProcess.start());
      api = track(MockApiServer.start(NAMESPACE, OPERATOR_NAMESPACE));
      installWebhookConfigurations(api.client());
      origin = track(OriginApp.start());
      operator = track(OperatorProcess.start(api, NAMESPACE, OPERATOR_NAMESPACE, List.of()));
      kubelet = track(new Kubelet(api.client(), NAMESPACE));
      track(new GarbageCollector(api.client(), NAMESPACE));
      admission = new Admission(api.client());
      admission.route(WEBHOOK_SERVICE, OPERATOR_NAMESPACE, operator.webhookAddress());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The install manifests' webhook configurations, as {@code kubectl apply -k manifests/install} would create them. */
  private static void installWebhookConfigurations(KubernetesClient client) {
    try (InputStream in = Files.newInputStream(E2eDirs.installManifestsDir().resolve("webhooks.yaml"))) {
      for (HasMetadata item : client.load(in).items()) {
        client.resource(item).create();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static E2eEnvironment start() {
    return new E2eEnvironment();
  }

  private <T extends AutoCloseable> T track(T closeable) {
    started.add(closeable);
    return closeable;
  }

  public RedisProcess redis() {
    return redis;
  }

  public KubernetesClient client() {
    return api.client();
  }

  public OperatorProcess operator() {
    return operator;
  }

  public OriginApp origin() {
    return origin;
  }

  public Kubelet kubelet() {
    return kubelet;
  }

  public Admission admission() {
    return admission;
  }

  /**
   * {@code kubectl apply -f -} of a CachePolicy YAML: through the validating webhook (throws
   * {@link AdmissionRefusedException} when refused), then created or replacing the existing one.
   */
  public CachePolicy apply(String yaml) {
    CachePolicy policy = load(CachePolicy.class, yaml);
    admission.validate(policy, policy(policy.getMetadata().getName()), "cachepolicies");
    return store(policy);
  }

  /**
   * Stores a CachePolicy past admission, as one created before the validating webhook was
   * installed (or while it was removed) would be: what the operator does with what it finds stored.
   */
  public CachePolicy applyPastAdmission(String yaml) {
    return store(load(CachePolicy.class, yaml));
  }

  /** {@code kubectl create -f -} of a CacheInvalidation YAML, through the validating webhook. */
  public CacheInvalidation create(String cacheInvalidationYaml) {
    CacheInvalidation invalidation = load(CacheInvalidation.class, cacheInvalidationYaml);
    admission.validate(invalidation, null, "cacheinvalidations");
    return client().resources(CacheInvalidation.class).inNamespace(NAMESPACE).resource(invalidation).create();
  }

  private CachePolicy store(CachePolicy policy) {
    return client().resources(CachePolicy.class).inNamespace(NAMESPACE).resource(policy)
        .createOr(NonDeletingOperation::update);
  }

  private <T extends HasMetadata> T load(Class<T> type, String yaml) {
    return client().resources(type).load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
  }

  public CachePolicy policy(String name) {
    return client().resources(CachePolicy.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** A Secret with the broker URL of the harness's Redis and an HMAC key, as a policy's {@code spec.broker.secretName}. */
  public void brokerSecret(String name) {
    client().secrets().inNamespace(NAMESPACE).resource(new SecretBuilder()
            .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
            // data, not stringData: the mock API server does not fold stringData into data as the real one does.
            .withData(Map.of("url", base64(redis.url()), "hmacKey", base64("e2e-hmac-key-" + name + "-0123456789")))
            .build())
        .createOr(NonDeletingOperation::update);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Pods of one policy, stopped and deleted together. */
  public Workload workload(String policy) {
    return new Workload(this, policy);
  }

  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // Keep stopping the others; the failure is reported on stderr, where surefire keeps it.
        System.err.println("event=e2e_stop_failed what=" + started.get(i).getClass().getSimpleName() + " reason=" + e);
      }
    }
  }
}
