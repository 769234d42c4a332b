package io.cachemesh.operator.broker;

import io.cachemesh.api.compiled.PolicyId;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;

/**
 * One Redis client (a small pool) per broker Secret, cached while the Secret's content is
 * unchanged and closed when it changes. Every operation has short connect, socket and pool-wait
 * timeouts, so a Redis that is down costs a reconcile about one timeout, never a hang.
 */
public final class BrokerConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerConnections.class);

  private record Cached(Map<String, String> data, RedisClient client) {}

  private final KubernetesClient kubernetes;
  private final Duration timeout;
  private final Map<String, Cached> clients = new ConcurrentHashMap<>();

  public BrokerConnections(KubernetesClient kubernetes, Duration timeout) {
    this.kubernetes = kubernetes;
    this.timeout = timeout;
  }

  /** The broker of a policy whose {@code spec.broker.secretName} is {@code secretName}. */
  public PolicyBroker forPolicy(PolicyId policy, String secretName) throws BrokerUnavailableException {
    return new PolicyBroker(policy, client(policy.namespace(), secretName));
  }

  RedisClient client(String namespace, String secretName) throws BrokerUnavailableException {
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
    BrokerSettings settings;
    try {
      settings = BrokerSettings.fromSecretData(data);
    } catch (IllegalArgumentException e) {
      throw new BrokerUnavailableException("Secret " + key + ": " + e.getMessage());
    }
    RedisClient client = open(settings);
    Cached previous = clients.put(key, new Cached(data, client));
    if (previous != null) {
      LOG.info("event=broker_secret_changed secret={} broker={}", key, settings);
      previous.client().close();
    }
    return client;
  }

  private RedisClient open(BrokerSettings settings) {
    int millis = (int) timeout.toMillis();
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(millis)
        .socketTimeoutMillis(millis)
        .database(settings.database())
        .clientName("cachemesh-operator")
        .ssl(settings.tls());
    if (settings.tls()) {
      config.sslSocketFactory(settings.socketFactory());
    }
    if (settings.password() != null) {
      config.user(settings.username()).password(settings.password());
    }
    GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
    pool.setMaxTotal(4);
    pool.setMaxIdle(2);
    pool.setMinIdle(0);
    pool.setMaxWait(timeout);
    pool.setTestOnBorrow(false);
    pool.setJmxEnabled(false);
    return RedisClient.builder()
        .hostAndPort(settings.host(), settings.port())
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
  }

  @Override
  public void close() {
    clients.values().forEach(c -> c.client().close());
    clients.clear();
  }
}
