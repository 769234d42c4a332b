package io.cachemesh.redis;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;

/** Builds the Jedis client for an endpoint: one small pool, short timeouts, TLS and AUTH as configured. */
public final class RedisClients {
  /** The longest XREAD BLOCK a caller may use; blocking commands get this plus the socket timeout. */
  public static final Duration MAX_BLOCK = Duration.ofSeconds(1);

  private RedisClients() {}

  /**
   * Connects (cluster and sentinel clients discover the topology here, so this throws a Jedis
   * exception when no node answers; {@link RedisConnection} calls it lazily through its breaker).
   */
  public static UnifiedJedis create(RedisEndpoint endpoint, RedisSettings settings) {
    return create(endpoint, settings, endpoint.caFile() == null ? null : TrustedCa.fromFile(endpoint.caFile()));
  }

  /**
   * The same, trusting {@code ca} for TLS instead of {@code endpoint.caFile()}: for a caller that
   * holds the CA itself (the operator reads {@code ca.crt} from the API, not from a mounted file).
   *
   * @param ca null: the JVM's trust store
   */
  public static UnifiedJedis create(RedisEndpoint endpoint, RedisSettings settings, TrustedCa ca) {
    if (ca != null && !endpoint.tls()) {
      throw new IllegalArgumentException("ca.crt: a CA is given but " + endpoint + " is not TLS (use rediss://)");
    }
    JedisClientConfig config = clientConfig(endpoint, settings, endpoint.database(), ca);
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(settings.poolSize());
    pool.setMaxIdle(settings.poolSize());
    pool.setMinIdle(0);
    pool.setBlockWhenExhausted(true);
    // A full pool is waited on no longer than one command may take.
    pool.setMaxWait(settings.socketTimeout());
    pool.setTestWhileIdle(false);
    pool.setJmxEnabled(false);
    Set<HostAndPort> nodes = new LinkedHashSet<>();
    endpoint.nodes().forEach(node -> nodes.add(new HostAndPort(node.host(), node.port())));
    return switch (endpoint.mode()) {
      case STANDALONE -> RedisClient.builder()
          .hostAndPort(nodes.iterator().next())
          .clientConfig(config)
          .poolConfig(pool)
          .build();
      case CLUSTER -> RedisClusterClient.builder()
          .nodes(nodes)
          .clientConfig(config)
          .poolConfig(pool)
          .maxAttempts(3)
          .maxTotalRetriesDuration(settings.connectTimeout().plus(settings.socketTimeout().multipliedBy(2)))
          .build();
      case SENTINEL -> RedisSentinelClient.builder()
          .masterName(endpoint.masterName())
          .sentinels(nodes)
          .clientConfig(config)
          .sentinelClientConfig(clientConfig(endpoint, settings, 0, ca))
          .poolConfig(pool)
          .build();
    };
  }

  static JedisClientConfig clientConfig(RedisEndpoint endpoint, RedisSettings settings, int database, TrustedCa ca) {
    DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(Math.toIntExact(settings.connectTimeout().toMillis()))
        .socketTimeoutMillis(Math.toIntExact(settings.socketTimeout().toMillis()))
        .blockingSocketTimeoutMillis(Math.toIntExact(MAX_BLOCK.plus(settings.socketTimeout()).toMillis()))
        .database(database)
        .clientName(settings.clientName())
        .resp2();
    if (endpoint.username() != null) {
      builder.user(endpoint.username());
    }
    if (endpoint.password() != null) {
      builder.password(endpoint.password());
    }
    if (endpoint.tls()) {
      builder.ssl(true);
      SSLParameters parameters = new SSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      builder.sslParameters(parameters);
      if (ca != null) {
        builder.sslSocketFactory(ca.socketFactory());
      }
    }
    return builder.build();
  }
}
