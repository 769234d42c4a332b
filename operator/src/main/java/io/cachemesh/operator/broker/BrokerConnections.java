package io.cachemesh.operator.broker;

import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.redis.RedisClients;
import io.cachemesh.redis.RedisSettings;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One Redis client (a small pool per node) per broker Secret, cached while the Secret's content is
 * unchanged and closed when it changes. The client is the sidecar's ({@link RedisClients}): a
 * standalone server (plain or TLS, with ACL user and password), a Sentinel-monitored master or a
 * Redis Cluster. Every operation has short connect, socket and pool-wait timeouts, so a Redis that
 * is down costs a reconcile about one timeout, never a hang.
 */
public final class BrokerConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerConnections.class);
  /** Connections per Redis node: reconciles are few and short. */
  private static final int POOL_SIZE = 4;

  private record Cached(Map<String, String> data, UnifiedJedis client) {}

  private final KubernetesClient kubernetes;
  private final RedisSettings settings;
  private final Map<String, Cached> clients = new ConcurrentHashMap<>();

  public BrokerConnections(KubernetesClient kubernetes, Duration timeout) {
    this.kubernetes = kubernetes;
    this.settings = new RedisSettings(timeout, timeout, POOL_SIZE, "cachemesh-operator");
  }

  /** The broker of a policy whose {@code spec.broker.secretName} is {@code secretName}. */
  public PolicyBroker forPolicy(PolicyId policy, String secretName) throws BrokerUnavailableException {
    return new PolicyBroker(policy, client(policy.namespace(), secretName));
  }

  UnifiedJedis client(String namespace, String secretName) throws BrokerUnavailableException {
    Secret secret;
    try {
      secret = kubernetes.secrets().inNamespace(namespace).withName(secretName).get();
    } catch (KubernetesClientException e) {
      throw new BrokerUnavailableException("cannot read Secret " + namespace + "/" + secretName + ": " + e.getMessage(), e);
    }
    if (secret == null) {
      throw new BrokerUnavailableException("Secret " + namespace + "/" + secretName + " not found");
    }
    String key = namespace + "/" + secretName;
    Map<String, String> data = secret.getData() == null ? Map.of() : Map.copyOf(secret.getData());
    Cached cached = clients.get(key);
    if (cached != null && Objects.equals(cached.data(), data)) {
      return cached.client();
    }
    BrokerSettings broker;
    try {
      broker = BrokerSettings.fromSecretData(data, key);
    } catch (IllegalArgumentException e) {
      throw new BrokerUnavailableException("Secret " + key + ": " + e.getMessage());
    }
    UnifiedJedis client = open(key, broker);
    Cached previous = clients.put(key, new Cached(data, client));
    if (previous != null) {
      LOG.info("event=broker_secret_changed secret={} broker={}", key, broker);
      previous.client().close();
    }
    return client;
  }

  /** Cluster and Sentinel clients reach a node to start: that failure is Redis being down, not a bad Secret. */
  private UnifiedJedis open(String key, BrokerSettings broker) throws BrokerUnavailableException {
    try {
      return RedisClients.create(broker.endpoint(), settings, broker.ca());
    } catch (IllegalArgumentException e) {
      throw new BrokerUnavailableException("Secret " + key + ": " + e.getMessage());
    } catch (JedisException e) {
      throw new BrokerUnavailableException("broker " + broker + " of Secret " + key + " unreachable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    clients.values().forEach(c -> c.client().close());
    clients.clear();
  }
}
