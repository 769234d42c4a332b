package io.cachemesh.redis.testing;

import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.redis.RedisSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** One standalone server and one 3-master cluster, for tests parameterised over both. */
public final class RedisTopologies implements AutoCloseable {
  public enum Topology { STANDALONE, CLUSTER }

  /** Test timeouts: as short as production's, with room for a loaded 2-core CI machine. */
  public static final RedisSettings SETTINGS = RedisSettings.DEFAULTS.withTimeouts(Duration.ofMillis(500), Duration.ofMillis(1000));

  private final RedisProcess standalone;
  private final RedisClusterProcesses cluster;

  private RedisTopologies(RedisProcess standalone, RedisClusterProcesses cluster) {
    this.standalone = standalone;
    this.cluster = cluster;
  }

  public static RedisTopologies start() {
    RedisProcess standalone = RedisServers.start();
    try {
      return new RedisTopologies(standalone, RedisServers.startCluster(3));
    } catch (RuntimeException e) {
      standalone.close();
      throw e;
    }
  }

  public String url(Topology topology) {
    return topology == Topology.STANDALONE ? standalone.url() : cluster.url();
  }

  public RedisConnection connect(Topology topology, Clock clock, MeterRegistry registry) {
    return new RedisConnection(RedisEndpoint.parse(url(topology), null, null, null), SETTINGS, clock, registry);
  }

  public RedisProcess standalone() {
    return standalone;
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } finally {
      standalone.close();
    }
  }
}
