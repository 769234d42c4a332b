package io.cachemesh.sidecar.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.sidecar.engine.Purge.Kind;
import io.cachemesh.redis.RedisConnection;
import io.cachemesh.redis.testing.Await;
import io.cachemesh.redis.testing.Closeables;
import io.cachemesh.redis.testing.MutableClock;
import io.cachemesh.redis.testing.RedisTopologies;
import io.cachemesh.redis.testing.RedisTopologies.Topology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

class RedisSharedStoreIT {
  private static final byte[] HMAC = "shared-store-test-hmac-key".getBytes(StandardCharsets.UTF_8);
  private static final AtomicInteger POLICIES = new AtomicInteger();
  private static RedisTopologies redis;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  @AutoClose private final Closeables closeables = new Closeables();

  @BeforeAll
  static void startRedis() {
    redis = RedisTopologies.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  private static PolicyId newPolicy() {
    return new PolicyId("shop", "catalog-" + POLICIES.incrementAndGet());
  }

  private RedisConnection connect(Topology topology) {
    return closeables.add(redis.connect(topology, Clock.systemUTC(), registry));
  }

  private RedisSharedStore store(Topology topology, PolicyId policy, Clock clock) {
    return new RedisSharedStore(connect(topology), policy, 1, new EntryEnvelope(HMAC, 1 << 20), clock, registry);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void anEntryPutByOneReplicaIsReadByAnotherUntilItsTtlPasses(Topology topology) {
    PolicyId policy = newPolicy();
    RedisSharedStore one = store(topology, policy, Clock.systemUTC());
    RedisSharedStore two = store(topology, policy, Clock.systemUTC());

    assertThat(one.put("GET|/a", bytes("body-a"), 400, Set.of("t"), "/a")).isTrue();

    assertThat(two.get("GET|/a")).hasValueSatisfying(hit -> {
      assertThat(hit.payload()).isEqualTo(bytes("body-a"));
      assertThat(hit.stale()).isFalse();
    });
    assertThat(two.get("GET|/b")).isEmpty();
    Await.until(Duration.ofSeconds(5), "the entry expiring in Redis", () -> two.get("GET|/a").isEmpty());
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void redisKeysHoldAHashOfTheKeyNeverTheKeyItself(Topology topology) {
    PolicyId policy = newPolicy();
    RedisSharedStore store = store(topology, policy, Clock.systemUTC());

    String key = store.redisKey("GET|/me|session=abc123");

    assertThat(key).startsWith(BrokerKeys.entryPrefix(policy, 1)).doesNotContain("abc123").doesNotContain("/me");
    assertThat(key.substring(BrokerKeys.entryPrefix(policy, 1).length())).matches("[0-9a-f]{64}");
  }

  static Stream<Arguments> tampering() {
    return Stream.of(Topology.values()).flatMap(t -> Stream.of(
        Arguments.of(t, "flipped byte", "hmac"),
        Arguments.of(t, "copied under another key", "key"),
        Arguments.of(t, "written by another policy", "policy"),
        Arguments.of(t, "truncated", "truncated"),
        Arguments.of(t, "not an envelope", "magic")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("tampering")
  void aTamperedOrForeignEntryIsAMissAndCounted(Topology topology, String how, String reason) {
    PolicyId policy = newPolicy();
    RedisSharedStore store = store(topology, policy, Clock.systemUTC());
    store.put("GET|/victim", bytes("genuine"), 60_000, Set.of(), "/victim");
    store.put("GET|/other", bytes("other"), 60_000, Set.of(), "/other");
    UnifiedJedis raw = connect(topology).client();
    byte[] victim = bytes(store.redisKey("GET|/victim"));
    byte[] sealed = raw.hget(victim, bytes("e"));
    byte[] forged = switch (how) {
      case "flipped byte" -> {
        byte[] copy = sealed.clone();
        copy[copy.length - 33] ^= 1; // the payload's last byte
        yield copy;
      }
      case "copied under another key" -> raw.hget(bytes(store.redisKey("GET|/other")), bytes("e"));
      case "written by another policy" ->
          new EntryEnvelope(HMAC, 1 << 20).seal("shop/intruder", "GET|/victim", 1L, bytes("evil"));
      case "truncated" -> Arrays.copyOf(sealed, sealed.length / 2);
      default -> bytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + "<p>evil</p>".repeat(20));
    };
    raw.hset(victim, bytes("e"), forged);

    assertThat(store.get("GET|/victim")).isEmpty();
    assertThat(registry.get("cachemesh.shared.rejected").tag("reason", reason).tag("policy", policy.toString()).counter().count())
        .isEqualTo(1.0);
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void aHitCarriesItsRequestTimeAndAnEntryWithoutOneReadsAsOldest(Topology topology) {
    RedisSharedStore store = store(topology, newPolicy(), Clock.systemUTC());
    store.put("GET|/a", bytes("a"), 60_000, Set.of(), "/a", 1_234);

    assertThat(store.get("GET|/a")).hasValueSatisfying(hit -> assertThat(hit.requestTimeMillis()).isEqualTo(1_234));
    connect(topology).client().hdel(bytes(store.redisKey("GET|/a")), bytes("t"));
    assertThat(store.get("GET|/a")).hasValueSatisfying(hit -> assertThat(hit.requestTimeMillis()).isZero());
  }

  static Stream<Arguments> softPurgesByEventTime() {
    return Stream.of(Topology.values()).flatMap(t -> Stream.of(
        Arguments.of(t, new Purge(Kind.TAG, List.of("list"), true, 2_000)),
        Arguments.of(t, new Purge(Kind.PREFIX, List.of("/products/"), true, 2_000)),
        Arguments.of(t, new Purge(Kind.ALL, List.of(), true, 2_000))));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("softPurgesByEventTime")
  void softPurgeWithAnEventTimeMarksOnlyEntriesRequestedBeforeIt(Topology topology, Purge purge) {
    RedisSharedStore store = store(topology, newPolicy(), Clock.systemUTC());
    store.put("before", bytes("old"), 60_000, Set.of("list"), "/products/1", 1_999);
    store.put("after", bytes("new"), 60_000, Set.of("list"), "/products/2", 2_000);

    assertThat(store.purge(purge)).isEqualTo(1);
    assertThat(store.get("before")).hasValueSatisfying(hit -> assertThat(hit.stale()).isTrue());
    assertThat(store.get("after")).hasValueSatisfying(hit -> assertThat(hit.stale()).isFalse());
  }

  /** What each purge must hit among the fixture's entries k1..k4. */
  static Stream<Arguments> purges() {
    List<Arguments> cases = new ArrayList<>();
    for (Topology topology : Topology.values()) {
      for (boolean soft : new boolean[] {false, true}) {
        cases.add(Arguments.of(topology, new Purge(Kind.TAG, List.of("list"), soft), Set.of("k1", "k2")));
        cases.add(Arguments.of(topology, new Purge(Kind.TAG, List.of("product:22", "page"), soft), Set.of("k3", "k4")));
        cases.add(Arguments.of(topology, new Purge(Kind.PATH, List.of("/products/2"), soft), Set.of("k2")));
        cases.add(Arguments.of(topology, new Purge(Kind.PREFIX, List.of("/products/"), soft), Set.of("k1", "k2", "k3")));
        cases.add(Arguments.of(topology, new Purge(Kind.PREFIX, List.of("/products/2"), soft), Set.of("k2", "k3")));
        cases.add(Arguments.of(topology, new Purge(Kind.KEY, List.of("k4"), soft), Set.of("k4")));
        cases.add(Arguments.of(topology, new Purge(Kind.ALL, List.of(), soft), Set.of("k1", "k2", "k3", "k4")));
      }
    }
    return cases.stream();
  }

  private static void fill(RedisSharedStore store) {
    store.put("k1", bytes("v1"), 60_000, Set.of("product:1", "list"), "/products/1");
    store.put("k2", bytes("v2"), 60_000, Set.of("product:2", "list"), "/products/2");
    store.put("k3", bytes("v3"), 60_000, Set.of("product:22"), "/products/22");
    store.put("k4", bytes("v4"), 60_000, Set.of("page"), "/about");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("purges")
  void purgesHitExactlyTheirMatchesAndNothingOfAnotherPolicyOrApp(Topology topology, Purge purge, Set<String> hit) {
    PolicyId policy = newPolicy();
    PolicyId neighbour = newPolicy();
    RedisSharedStore store = store(topology, policy, Clock.systemUTC());
    RedisSharedStore other = store(topology, neighbour, Clock.systemUTC());
    fill(store);
    fill(other);
    UnifiedJedis raw = connect(topology).client();
    raw.set("app:session:1", "someone else's data");

    long count = store.purge(purge);

    assertThat(count).isEqualTo(hit.size());
    for (String key : List.of("k1", "k2", "k3", "k4")) {
      Optional<SharedHit> found = store.get(key);
      if (!hit.contains(key)) {
        assertThat(found).as(key + " untouched").hasValueSatisfying(h -> assertThat(h.stale()).isFalse());
      } else if (purge.soft()) {
        assertThat(found).as(key + " marked stale").hasValueSatisfying(h -> {
          assertThat(h.stale()).isTrue();
          assertThat(h.payload()).isEqualTo(bytes("v" + key.charAt(1)));
        });
      } else {
        assertThat(found).as(key + " dropped").isEmpty();
      }
      assertThat(other.get(key)).as("other policy's " + key).hasValueSatisfying(h -> assertThat(h.stale()).isFalse());
    }
    assertThat(raw.get("app:session:1")).isEqualTo("someone else's data");
    if (purge.kind() == Kind.ALL && !purge.soft()) {
      assertThat(raw.exists(BrokerKeys.entryIndex(policy), BrokerKeys.pathIndex(policy), BrokerKeys.tagRegistry(policy),
          BrokerKeys.tagIndex(policy, "list"), BrokerKeys.tagIndex(policy, "page"))).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void aNewPutAfterASoftPurgeIsFreshAgain(Topology topology) {
    RedisSharedStore store = store(topology, newPolicy(), Clock.systemUTC());
    fill(store);
    store.purge(new Purge(Kind.TAG, List.of("list"), true));

    store.put("k1", bytes("v1-new"), 60_000, Set.of("list"), "/products/1");

    assertThat(store.get("k1")).hasValueSatisfying(h -> {
      assertThat(h.stale()).isFalse();
      assertThat(h.payload()).isEqualTo(bytes("v1-new"));
    });
    assertThat(store.get("k2")).hasValueSatisfying(h -> assertThat(h.stale()).isTrue());
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void writesTrimExpiredIndexMembersAndIndexesExpireWithTheirEntries(Topology topology) {
    PolicyId policy = newPolicy();
    MutableClock clock = MutableClock.now();
    RedisSharedStore store = store(topology, policy, clock);
    for (int i = 0; i < 50; i++) {
      store.put("old" + i, bytes("x"), 1_000, Set.of("t", "old:" + i), "/old/" + i);
    }
    UnifiedJedis raw = connect(topology).client();
    assertThat(raw.zcard(BrokerKeys.entryIndex(policy))).isEqualTo(50);

    clock.advance(Duration.ofSeconds(2));
    store.put("new", bytes("y"), 60_000, Set.of("t"), "/new");

    assertThat(raw.zcard(BrokerKeys.entryIndex(policy))).isEqualTo(1);
    assertThat(raw.zcard(BrokerKeys.pathIndex(policy))).isEqualTo(1);
    assertThat(raw.zcard(BrokerKeys.tagIndex(policy, "t"))).isEqualTo(1);
    assertThat(raw.zrange(BrokerKeys.tagRegistry(policy), 0, -1)).containsExactly("t");
    assertThat(raw.pttl(BrokerKeys.entryIndex(policy))).isBetween(1L, 60_000L);
    assertThat(raw.pttl(BrokerKeys.tagIndex(policy, "old:7"))).as("a tag index expires with its last entry").isBetween(-2L, 1_000L).isNotEqualTo(-1L);
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void theFleetLockAdmitsOneHolderAndOnlyItsTokenReleasesIt(Topology topology) {
    RedisSharedStore one = store(topology, newPolicy(), Clock.systemUTC());

    LockAttempt first = one.tryLock("GET|/slow", 10_000);
    assertThat(first).isInstanceOf(LockAttempt.Acquired.class);
    assertThat(one.tryLock("GET|/slow", 10_000)).isInstanceOf(LockAttempt.Busy.class);
    assertThat(one.unlock(new LockAttempt.Acquired("GET|/slow", "not-the-token"))).isFalse();
    assertThat(one.tryLock("GET|/slow", 10_000)).isInstanceOf(LockAttempt.Busy.class);

    assertThat(one.unlock((LockAttempt.Acquired) first)).isTrue();
    assertThat(one.tryLock("GET|/slow", 10_000)).isInstanceOf(LockAttempt.Acquired.class);
  }

  @ParameterizedTest
  @EnumSource(Topology.class)
  void aLockWhoseHolderDiedExpiresByItself(Topology topology) {
    RedisSharedStore store = store(topology, newPolicy(), Clock.systemUTC());
    assertThat(store.tryLock("GET|/x", 300)).isInstanceOf(LockAttempt.Acquired.class);

    Await.until(Duration.ofSeconds(5), "the abandoned lock to expire",
        () -> store.tryLock("GET|/x", 300) instanceof LockAttempt.Acquired);
  }

  @Test
  void purgeCostDependsOnTheMatchesNotOnTheSizeOfTheCache() {
    long small = commandsToPurge(10);
    long large = commandsToPurge(400);

    assertThat(large).isEqualTo(small);
    assertThat(small).isLessThan(40);
  }

  /** Every replica applies every event: the second and later purges of a tag find nothing and must stay cheap. */
  @Test
  void purgingATagThatIsAlreadyGoneIsOneRedisCommand() {
    RedisSharedStore store = store(Topology.STANDALONE, newPolicy(), Clock.systemUTC());
    store.put("GET|/a", bytes("x"), 60_000, Set.of("product:1"), "/a");
    Purge purge = new Purge(Kind.TAG, List.of("product:1"), false);
    assertThat(store.purge(purge)).isEqualTo(1);
    try (Jedis admin = new Jedis("127.0.0.1", redis.standalone().port())) {
      long before = totalCalls(admin);

      assertThat(store.purge(purge)).isZero();

      assertThat(totalCalls(admin) - before - 1).as("commands, including those inside scripts").isEqualTo(1);
    }
  }

  /** Redis commands (including those run inside scripts) executed by tag, path and prefix purges of 3 entries. */
  private long commandsToPurge(int unrelated) {
    PolicyId policy = newPolicy();
    RedisSharedStore store = store(Topology.STANDALONE, policy, Clock.systemUTC());
    for (int i = 0; i < unrelated; i++) {
      store.put("cold" + i, bytes("x"), 60_000, Set.of("cold"), "/cold/" + i);
    }
    store.put("h1", bytes("x"), 60_000, Set.of("hot"), "/hot/1");
    store.put("h2", bytes("x"), 60_000, Set.of("hot"), "/hot/2");
    store.put("h3", bytes("x"), 60_000, Set.of("hot"), "/hot/3");
    try (Jedis admin = new Jedis("127.0.0.1", redis.standalone().port())) {
      long before = totalCalls(admin);
      assertThat(store.purge(new Purge(Kind.TAG, List.of("hot"), true))).isEqualTo(3);
      assertThat(store.purge(new Purge(Kind.PREFIX, List.of("/hot/"), true))).isEqualTo(3);
      assertThat(store.purge(new Purge(Kind.PATH, List.of("/hot/2"), false))).isEqualTo(1);
      return totalCalls(admin) - before - 1;
    }
  }

  private static long totalCalls(Jedis admin) {
    long calls = 0;
    for (String line : admin.info("commandstats").split("\r?\n")) {
      int at = line.indexOf("calls=");
      if (line.startsWith("cmdstat_") && at > 0) {
        calls += Long.parseLong(line.substring(at + 6, line.indexOf(',', at)));
      }
    }
    return calls;
  }

  @Test
  void oneReplicaSeesTheOthersPurges() {
    PolicyId policy = newPolicy();
    RedisSharedStore one = store(Topology.CLUSTER, policy, Clock.systemUTC());
    RedisSharedStore two = store(Topology.CLUSTER, policy, Clock.systemUTC());
    fill(one);

    two.purge(new Purge(Kind.PREFIX, List.of("/products/"), false));

    assertThat(Stream.of("k1", "k2", "k3", "k4").filter(k -> one.get(k).isPresent()).toList()).containsExactly("k4");
    assertThat(Map.of("applied", registry.get("cachemesh.shared.operations").tag("result", "hit").counter().count()))
        .extractingByKey("applied").isEqualTo(1.0);
  }
}
