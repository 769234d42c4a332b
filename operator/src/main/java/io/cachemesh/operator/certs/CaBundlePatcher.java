package io.cachemesh.operator.certs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code caBundle} of the named webhook configurations equal to the current CA bundle, with
 * a JSON patch per configuration touching only the webhooks whose bundle differs (no server-side
 * apply, no write when nothing differs). Each change is guarded by a {@code test} of the webhook's
 * name, so a configuration reordered meanwhile makes the patch fail instead of hitting the wrong entry.
 */
public final class CaBundlePatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CaBundlePatcher.class);
  private final KubernetesClient client;

  public CaBundlePatcher(KubernetesClient client) {
    this.client = client;
  }

  /** @return how many webhooks were patched */
  public int ensure(String caBundlePem, List<String> mutating, List<String> validating) {
    String bundle = Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.US_ASCII));
    int patched = 0;
    for (String name : mutating) {
      patched += ensure(name, client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(name),
          (MutatingWebhookConfiguration c) -> c.getWebhooks().stream().map(w -> new Entry(w.getName(), w.getClientConfig())).toList(),
          bundle);
    }
    for (String name : validating) {
      patched += ensure(name, client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name),
          (ValidatingWebhookConfiguration c) -> c.getWebhooks().stream().map(w -> new Entry(w.getName(), w.getClientConfig())).toList(),
          bundle);
    }
    return patched;
  }

  private record Entry(String name, WebhookClientConfig clientConfig) {}

  private <T extends HasMetadata> int ensure(String name, Resource<T> resource, Function<T, List<Entry>> webhooks, String bundle) {
    T configuration = resource.get();
    if (configuration == null) {
      LOG.warn("event=webhook_configuration_missing name={}", name);
      return 0;
    }
    ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    List<Entry> entries = webhooks.apply(configuration);
    int changed = 0;
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      if (entry.clientConfig() == null || bundle.equals(entry.clientConfig().getCaBundle())) {
        continue;
      }
      patch.addObject().put("op", "test").put("path", "/webhooks/" + i + "/name").put("value", entry.name());
      patch.addObject().put("op", "add").put("path", "/webhooks/" + i + "/clientConfig/caBundle").put("value", bundle);
      changed++;
    }
    if (changed > 0) {
      resource.patch(PatchContext.of(PatchType.JSON), patch.toString());
      LOG.info("event=ca_bundle_patched kind={} name={} webhooks={}", configuration.getKind(),
          configuration.getMetadata().getName(), changed);
    }
    return changed;
  }
}
