package io.cachemesh.redis.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import redis.clients.jedis.Jedis;

/**
 * A Redis Cluster of masters on loopback, joined with CLUSTER MEET and given even slot ranges with
 * CLUSTER ADDSLOTS (no redis-cli needed), returned once every node says {@code cluster_state:ok}.
 */
public final class RedisClusterProcesses implements AutoCloseable {
  private static final int SLOTS = 16384;
  private final List<RedisProcess> nodes;

  private RedisClusterProcesses(List<RedisProcess> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  static RedisClusterProcesses start(int masters) {
    List<RedisProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        RedisProcess node = RedisServers.create(RedisServers.freePort(true), RedisServers.tempDir("redis-cluster-"),
            List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "3000",
                "--appendonly", "no"));
        nodes.add(node);
        node.start();
      }
      RedisClusterProcesses cluster = new RedisClusterProcesses(nodes);
      cluster.join();
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(RedisProcess::close);
      throw e;
    }
  }

  private void join() {
    try (Jedis first = new Jedis("127.0.0.1", nodes.getFirst().port())) {
      for (RedisProcess node : nodes.subList(1, nodes.size())) {
        first.clusterMeet("127.0.0.1", node.port());
      }
    }
    int per = SLOTS / nodes.size();
    for (int i = 0; i < nodes.size(); i++) {
      int from = i * per;
      int to = i == nodes.size() - 1 ? SLOTS : from + per;
      try (Jedis node = new Jedis("127.0.0.1", nodes.get(i).port())) {
        node.clusterAddSlots(IntStream.range(from, to).toArray());
      }
    }
    Await.until(Duration.ofSeconds(30), "cluster_state:ok and every node knowing every other", () -> nodes.stream().allMatch(n -> {
      try (Jedis node = new Jedis("127.0.0.1", n.port())) {
        return node.clusterInfo().contains("cluster_state:ok")
            && node.clusterNodes().lines().filter(l -> l.contains("master") && !l.contains("handshake")).count() == nodes.size();
      }
    }));
  }

  /** redis-cluster://127.0.0.1:p1,127.0.0.1:p2,... */
  public String url() {
    return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  public List<RedisProcess> nodes() {
    return nodes;
  }

  @Override
  public void close() {
    nodes.forEach(RedisProcess::close);
  }
}
