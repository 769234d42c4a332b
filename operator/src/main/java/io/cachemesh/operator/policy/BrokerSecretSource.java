package io.cachemesh.operator.policy;

import io.cachemesh.api.CachePolicy;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker Secrets policies name ({@code spec.broker.secretName}) as a secondary resource: a
 * change to one (rotated password, Redis moved) reconciles every policy naming it at once, instead
 * of at the next heartbeat interval.
 *
 * <p>Least privilege in what is read: one informer per Secret that a policy names, listing and
 * watching only that name (field selector {@code metadata.name}), started when the first policy
 * names it and stopped when the last one stops. The other Secrets of the namespace are never read.
 * RBAC cannot name Secrets that policies will name later, so the verbs {@code list} and
 * {@code watch} are granted on Secrets of the watched namespaces; the requests only ever carry a
 * name.
 */
final class BrokerSecretSource extends AbstractEventSource<Secret, CachePolicy> {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerSecretSource.class);

  private final KubernetesClient client;
  /** Which Secret each policy names: the reverse mapping, and when to stop an informer. */
  private final Map<ResourceID, ResourceID> secretOfPolicy = new HashMap<>();
  private final Map<ResourceID, SharedIndexInformer<Secret>> informers = new HashMap<>();
  private final Set<ResourceID> unwatchable = new HashSet<>();

  BrokerSecretSource(KubernetesClient client) {
    super(Secret.class, "broker-secrets");
    this.client = client;
  }

  /** The Secret {@code policy} names now (or none): watched from now on, the previous one released. */
  synchronized void track(CachePolicy policy) {
    ResourceID policyId = ResourceID.fromResource(policy);
    String name = policy.getSpec() == null || policy.getSpec().broker() == null
        ? null : policy.getSpec().broker().secretName();
    ResourceID wanted = name == null || name.isBlank() ? null : new ResourceID(name, policy.getMetadata().getNamespace());
    ResourceID previous = wanted == null ? secretOfPolicy.remove(policyId) : secretOfPolicy.put(policyId, wanted);
    if (Objects.equals(previous, wanted)) {
      return;
    }
    if (wanted != null && !informers.containsKey(wanted) && isRunning()) {
      try {
        informers.put(wanted, inform(wanted));
        unwatchable.remove(wanted);
      } catch (KubernetesClientException e) {
        // Not fatal: the policy is still reconciled every heartbeat interval, which re-reads the
        // Secret. Forgotten, so that the next reconcile tries again; logged once per Secret.
        secretOfPolicy.remove(policyId);
        if (unwatchable.add(wanted)) {
          LOG.warn("event=broker_secret_watch_failed secret={}/{} code={} reason=\"{}\" (RBAC needs list and watch on secrets)",
              wanted.getNamespace().orElse(""), wanted.getName(), e.getCode(), e.getMessage());
        }
      }
    }
    release(previous);
  }

  /** The policy is gone: its Secret is released. */
  synchronized void forget(CachePolicy policy) {
    release(secretOfPolicy.remove(ResourceID.fromResource(policy)));
  }

  private void release(ResourceID secret) {
    if (secret != null && !secretOfPolicy.containsValue(secret)) {
      SharedIndexInformer<Secret> informer = informers.remove(secret);
      if (informer != null) {
        informer.close();
        LOG.debug("event=broker_secret_unwatched secret={}/{}", secret.getNamespace().orElse(""), secret.getName());
      }
    }
  }

  private SharedIndexInformer<Secret> inform(ResourceID secret) {
    LOG.debug("event=broker_secret_watched secret={}/{}", secret.getNamespace().orElse(""), secret.getName());
    // withName: the informer lists and watches with fieldSelector metadata.name=<name>.
    return client.secrets().inNamespace(secret.getNamespace().orElseThrow()).withName(secret.getName())
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Secret added) {
            changed(secret);
          }

          @Override
          public void onUpdate(Secret before, Secret after) {
            // Only the content matters to the broker connection; labels and annotations do not.
            if (!Objects.equals(before.getData(), after.getData()) || !Objects.equals(before.getStringData(), after.getStringData())) {
              changed(secret);
            }
          }

          @Override
          public void onDelete(Secret deleted, boolean finalStateUnknown) {
            changed(secret);
          }
        });
  }

  private void changed(ResourceID secret) {
    Set<ResourceID> policies;
    synchronized (this) {
      policies = secretOfPolicy.entrySet().stream().filter(e -> e.getValue().equals(secret))
          .map(Map.Entry::getKey).collect(Collectors.toSet());
    }
    if (isRunning()) {
      policies.forEach(policy -> getEventHandler().handleEvent(new Event(policy)));
    }
  }

  @Override
  public Set<Secret> getSecondaryResources(CachePolicy policy) {
    return secondary(ResourceID.fromResource(policy)).map(Set::of).orElse(Set.of());
  }

  private synchronized Optional<Secret> secondary(ResourceID policy) {
    ResourceID secret = secretOfPolicy.get(policy);
    SharedIndexInformer<Secret> informer = secret == null ? null : informers.get(secret);
    return informer == null ? Optional.empty()
        : Optional.ofNullable(informer.getStore().getByKey(secret.getNamespace().orElse("") + "/" + secret.getName()));
  }

  @Override
  public synchronized void stop() {
    informers.values().forEach(SharedIndexInformer::close);
    informers.clear();
    secretOfPolicy.clear();
    super.stop();
  }
}
