package io.cachemesh.sidecar.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.RedisEndpoint;
import io.cachemesh.sidecar.broker.ConsumerSettings;
import io.cachemesh.sidecar.broker.HeartbeatPublisher;
import io.cachemesh.sidecar.broker.InvalidationConsumer;
import io.cachemesh.sidecar.broker.InvalidationPublisher;
import io.cachemesh.sidecar.broker.PurgeSink;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.sidecar.shared.EntryEnvelope;
import io.cachemesh.sidecar.shared.FillNotifications;
import io.cachemesh.sidecar.shared.LockAttempt;
import io.cachemesh.sidecar.shared.RedisSharedStore;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.RedisProcess;
import io.cachemesh.redis.testing.RedisServers;
import io.cachemesh.redis.testing.RedisTopologies;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * The least-privilege ACLs documented in REDIS.md are enough for everything a sidecar and a
 * publisher do, and no more: a sidecar reaches only its policy's keys, a publisher only XADD.
 * Also covers user/password and database selection from the URL.
 */
class RedisAclIT {
  static final PolicyId POLICY = new PolicyId("shop", "catalog");
  /** Kept identical to REDIS.md. */
  static final String SIDECAR_ACL = "on >sidecar-pw resetkeys ~cm:{shop/catalog}:* resetchannels &cm:{shop/catalog}:fills -@all "
      + "+ping +auth +hello +select +client|setname +info +cluster|slots +cluster|shards "
      + "+hmget +set +zrange +zrangebylex +unlink +xadd +xread +xinfo|stream +evalsha +eval "
      + "+del +hset +hdel +get +exists +pexpire +pttl +zadd +zrem +zrangebyscore +zremrangebyscore "
      + "+publish +subscribe +unsubscribe";
  static final String PUBLISHER_ACL = "on >app-pw resetkeys ~cm:{shop/catalog}:events resetchannels -@all +ping +auth +hello +xadd";

  private static RedisProcess server;

  @BeforeAll
  static void start() {
    server = RedisServers.start();
    try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
      admin.aclSetUser("cm-sidecar", SIDECAR_ACL.split(" "));
      admin.aclSetUser("cm-publisher", PUBLISHER_ACL.split(" "));
    }
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aSidecarWithTheDocumentedAclDoesEverythingItNeedsInItsDatabase() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RedisEndpoint endpoint = RedisEndpoint.parse("redis://127.0.0.1:" + server.port() + "/2", "cm-sidecar", "sidecar-pw", null);
    List<Purge> applied = new CopyOnWriteArrayList<>();
    try (RedisConnection connection = new RedisConnection(endpoint, RedisTopologies.SETTINGS, Clock.systemUTC(), registry);
        InvalidationConsumer consumer = new InvalidationConsumer(connection, POLICY, PurgeSink.whole(applied::add), () -> { },
            ConsumerSettings.DEFAULTS, Clock.systemUTC(), registry)) {
      RedisSharedStore store = new RedisSharedStore(connection, POLICY, 1,
          new EntryEnvelope("acl-test-hmac-key-0123".getBytes(StandardCharsets.UTF_8), 1024), Clock.systemUTC(), registry);
      consumer.start();
      Await.until(Duration.ofSeconds(10), "consumer positioned", consumer::connected);

      assertThat(store.put("k", new byte[] {1}, 60_000, Set.of("t"), "/p")).isTrue();
      assertThat(store.get("k")).isPresent();
      assertThat(store.tryLock("k", 1000)).isInstanceOfSatisfying(LockAttempt.Acquired.class,
          lock -> assertThat(store.unlock(lock)).isTrue());
      assertThat(store.purge(new Purge(Kind.TAG, List.of("t"), true))).isEqualTo(1);
      assertThat(store.purge(new Purge(Kind.PREFIX, List.of("/"), false))).isEqualTo(1);
      store.put("k", new byte[] {1}, 60_000, Set.of("t"), "/p");
      assertThat(store.purge(new Purge(Kind.ALL, List.of(), false))).isEqualTo(1);
      String id = new InvalidationPublisher(connection, POLICY, registry)
          .publish(new Purge(Kind.TAG, List.of("t"), false), "acl-test").orElseThrow();
      Await.until(Duration.ofSeconds(10), "event applied", () -> consumer.lastAppliedId().equals(id));
      assertThat(new HeartbeatPublisher(connection, POLICY, "pod", "v", () -> new HeartbeatPublisher.Stats("h", 0, 0),
          consumer::lastAppliedId, Duration.ofSeconds(5), Clock.systemUTC(), registry).beat()).isTrue();
      try (FillNotifications fills = new FillNotifications(connection, POLICY)) {
        fills.start();
        Await.until(Duration.ofSeconds(10), "subscribed to lock releases", fills::subscribed);
        RedisSharedStore announcing = new RedisSharedStore(connection, POLICY, 1,
            new EntryEnvelope("acl-test-hmac-key-0123".getBytes(StandardCharsets.UTF_8), 1024), Clock.systemUTC(), registry, fills);
        LockAttempt.Acquired lock = (LockAttempt.Acquired) announcing.tryLock("k2", 1000);
        CompletableFuture<Void> released = announcing.watchFill("k2");
        assertThat(announcing.unlock(lock)).isTrue();
        assertThat(released).succeedsWithin(Duration.ofSeconds(5));
      }
      assertThat(registry.find("cachemesh.redis.errors").counters()).as("no command was refused").isEmpty();
      assertThat(connection.client().exists(BrokerKeys.heartbeats(POLICY))).isTrue();
    }
    try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
      assertThat(admin.exists(BrokerKeys.heartbeats(POLICY))).as("nothing written to database 0").isFalse();
      admin.select(2);
      assertThat(admin.exists(BrokerKeys.heartbeats(POLICY))).isTrue();
    }
  }

  @Test
  void theSidecarAclRefusesKeysOfOtherPoliciesAndAdministrativeCommands() {
    try (Jedis sidecar = new Jedis("127.0.0.1", server.port())) {
      sidecar.auth("cm-sidecar", "sidecar-pw");
      assertThatThrownBy(() -> sidecar.get("cm:{shop/other}:e:1:abc")).isInstanceOf(JedisDataException.class).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> sidecar.get("app:session:1")).hasMessageContaining("NOPERM");
      assertThatThrownBy(sidecar::flushDB).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> sidecar.keys("*")).hasMessageContaining("NOPERM");
    }
  }

  @Test
  void thePublisherAclAllowsOnlyXaddOnTheStream() {
    try (Jedis app = new Jedis("127.0.0.1", server.port())) {
      app.auth("cm-publisher", "app-pw");
      assertThat(app.xadd(BrokerKeys.events(POLICY), StreamEntryID.NEW_ENTRY, Map.of("v", "1", "tags", "product:1"))).isNotNull();
      assertThatThrownBy(() -> app.xadd("cm:{shop/other}:events", StreamEntryID.NEW_ENTRY, Map.of("v", "1", "all", "true")))
          .hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> app.xrange(BrokerKeys.events(POLICY), "-", "+")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> app.del(BrokerKeys.events(POLICY))).hasMessageContaining("NOPERM");
    }
  }
}
