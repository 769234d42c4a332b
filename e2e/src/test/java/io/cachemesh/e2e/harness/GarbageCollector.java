package io.cachemesh.e2e.harness;

import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Plays kube-controller-manager's garbage collector, which the mock API server does not have:
 * when a CachePolicy is gone, the ConfigMaps it owns (owner reference by uid) are deleted.
 */
public final class GarbageCollector implements AutoCloseable {
  private final SharedIndexInformer<CachePolicy> policies;

  public GarbageCollector(KubernetesClient client, String namespace) {
    this.policies = client.resources(CachePolicy.class).inNamespace(namespace).inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(CachePolicy policy) {
      }

      @Override
      public void onUpdate(CachePolicy old, CachePolicy policy) {
      }

      @Override
      public void onDelete(CachePolicy policy, boolean unknownFinalState) {
        String uid = policy.getMetadata().getUid();
        for (ConfigMap cm : client.configMaps().inNamespace(namespace).list().getItems()) {
          if (cm.getMetadata().getOwnerReferences().stream().anyMatch(o -> uid.equals(o.getUid()))) {
            client.configMaps().inNamespace(namespace).resource(cm).delete();
          }
        }
      }
    });
  }

  @Override
  public void close() {
    policies.close();
  }
}
