package io.cachemesh.sidecar.broker;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.redis.LuaScript;
import io.cachemesh.redis.RedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every interval, writes this sidecar's {@link Heartbeat} into the policy's heartbeat hash and its
 * time into the seen set, and removes pods not seen for {@code forgetAfter} from both, so the hash
 * does not grow with pod churn. Failures are only counted ({@code cachemesh_heartbeats_total{result}}).
 */
public final class HeartbeatPublisher implements AutoCloseable {
  /** What the engine reports; the last event id comes from the consumer. */
  public record Stats(String configHash, long hits, long misses) {}

  private static final LuaScript BEAT = new LuaScript("""
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
      local gone = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[4], 'LIMIT', 0, 100)
      if #gone > 0 then
        redis.call('HDEL', KEYS[1], unpack(gone))
        redis.call('ZREM', KEYS[2], unpack(gone))
      end
      return #gone
      """);

  private final RedisConnection redis;
  private final String pod;
  private final String version;
  private final Supplier<Stats> stats;
  private final Supplier<String> lastEventId;
  private final Duration interval;
  private final Duration forgetAfter;
  private final Clock clock;
  private final byte[] hash;
  private final byte[] seen;
  private final Counter written;
  private final Counter failed;
  private final CountDownLatch stop = new CountDownLatch(1);
  private Thread thread;

  public HeartbeatPublisher(
      RedisConnection redis, PolicyId policy, String pod, String version, Supplier<Stats> stats,
      Supplier<String> lastEventId, Duration interval, Clock clock, MeterRegistry registry) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: must be positive, is " + interval);
    }
    this.redis = redis;
    this.pod = pod;
    this.version = version;
    this.stats = stats;
    this.lastEventId = lastEventId;
    this.interval = interval;
    Duration tenBeats = interval.multipliedBy(10);
    this.forgetAfter = tenBeats.compareTo(Duration.ofMinutes(5)) > 0 ? tenBeats : Duration.ofMinutes(5);
    this.clock = clock;
    this.hash = BrokerKeys.heartbeats(policy).getBytes(StandardCharsets.UTF_8);
    this.seen = BrokerKeys.heartbeatsSeen(policy).getBytes(StandardCharsets.UTF_8);
    this.written = counter(registry, policy, "written");
    this.failed = counter(registry, policy, "failed");
  }

  /** Writes one heartbeat now. @return whether Redis took it */
  public boolean beat() {
    Stats current = stats.get();
    long now = clock.millis();
    Heartbeat heartbeat = new Heartbeat(pod, current.configHash(), version, current.hits(), current.misses(), lastEventId.get(), now);
    List<byte[]> keys = List.of(hash, seen);
    List<byte[]> args = List.of(
        utf8(pod), utf8(heartbeat.toJson()), utf8(Long.toString(now)), utf8(Long.toString(now - forgetAfter.toMillis())));
    boolean ok = redis.call("heartbeat", r -> BEAT.run(r, keys, args)).isPresent();
    (ok ? written : failed).increment();
    return ok;
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("heartbeat already started");
    }
    thread = Thread.ofVirtual().name("cachemesh-heartbeat").start(() -> {
      do {
        beat();
      } while (!stopped());
    });
  }

  private boolean stopped() {
    try {
      return stop.await(interval.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  @Override
  public void close() {
    stop.countDown();
    Thread current;
    synchronized (this) {
      current = thread;
    }
    if (current != null) {
      try {
        current.join(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static Counter counter(MeterRegistry registry, PolicyId policy, String result) {
    return Counter.builder("cachemesh.heartbeats")
        .description("Heartbeats written to the broker, by result")
        .tag("policy", policy.toString())
        .tag("result", result)
        .register(registry);
  }
}
