package io.cachemesh.sidecar.shared;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.redis.RedisClients;
import io.cachemesh.sidecar.redis.RedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;

/**
 * One pub/sub subscription per sidecar to the policy's {@link BrokerKeys#fills} channel: completes
 * the futures of requests waiting for another replica's fleet lock, by key hash. Notifications are
 * a latency optimisation only: while the subscription is down (Redis down, reconnecting) a waiter
 * simply waits its bound, then looks at the shared tier once more.
 *
 * <p>The subscriber runs on one virtual thread and resubscribes with a doubling backoff.
 */
public final class FillNotifications implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FillNotifications.class);
  private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** Well inside the blocking read timeout ({@link RedisClients#MAX_BLOCK} plus the socket timeout). */
  private static final Duration PING_INTERVAL = RedisClients.MAX_BLOCK.dividedBy(2);

  private final RedisConnection redis;
  private final PolicyId policy;
  private final String channel;
  private final ConcurrentHashMap<String, List<CompletableFuture<Void>>> waiters = new ConcurrentHashMap<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile boolean running;
  private volatile Subscription subscription;
  private Thread thread;

  public FillNotifications(RedisConnection redis, PolicyId policy) {
    this.redis = redis;
    this.policy = policy;
    this.channel = BrokerKeys.fills(policy);
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("fill notifications of " + policy + " already started");
    }
    running = true;
    thread = Thread.ofVirtual().name("cachemesh-fills-" + policy).start(this::run);
    // Ends on its own once close() sets running and counts down stop.
    Thread.ofVirtual().name("cachemesh-fills-ping-" + policy).start(this::keepAlive);
  }

  /**
   * A subscribed connection reads with the client's blocking timeout: a PING now and then keeps an
   * idle one alive, and a connection that stopped answering times out and is replaced.
   */
  private void keepAlive() {
    while (running) {
      await(PING_INTERVAL);
      Subscription s = subscription;
      if (running && s != null && s.isSubscribed()) {
        s.keepAlive();
      }
    }
  }

  /** Whether the subscription is in place now (notifications sent from now on arrive). */
  public boolean subscribed() {
    Subscription s = subscription;
    return s != null && s.isSubscribed();
  }

  /** A future completed when the holder of {@code keyHash}'s lock announces it is done; {@link #unwatch} it after waiting. */
  public CompletableFuture<Void> watch(String keyHash) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiters.compute(keyHash, (k, list) -> {
      List<CompletableFuture<Void>> l = list == null ? new ArrayList<>(1) : list;
      l.add(done);
      return l;
    });
    return done;
  }

  public void unwatch(String keyHash, CompletableFuture<Void> watch) {
    waiters.computeIfPresent(keyHash, (k, list) -> {
      list.remove(watch);
      return list.isEmpty() ? null : list;
    });
  }

  /** How many keys have waiters now (bounded by the requests waiting). */
  public int watchedKeys() {
    return waiters.size();
  }

  void wake(String keyHash) {
    List<CompletableFuture<Void>> list = waiters.remove(keyHash);
    if (list != null) {
      list.forEach(f -> f.complete(null));
    }
  }

  private void run() {
    Duration backoff = MIN_BACKOFF;
    boolean down = false;
    while (running) {
      Subscription s = new Subscription();
      subscription = s;
      String error = "unsubscribed";
      try {
        // Returns when unsubscribed (close); a broken connection throws.
        redis.client().subscribe(s, channel);
      } catch (RuntimeException e) {
        error = e.getMessage();
      }
      if (!running) {
        break;
      }
      if (s.confirmed) {
        // It worked until it broke: reconnect soon.
        backoff = MIN_BACKOFF;
        down = false;
      }
      if (!down) {
        LOG.warn("event=fill_notifications_down policy={} error=\"{}\" note=\"waiters fall back to their bound\"",
            policy, error);
        down = true;
      }
      await(backoff);
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  private void await(Duration delay) {
    try {
      stop.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    Thread current;
    synchronized (this) {
      running = false;
      current = thread;
    }
    stop.countDown();
    Subscription s = subscription;
    if (s != null) {
      s.end();
    }
    if (current != null) {
      try {
        if (!current.join(Duration.ofSeconds(2))) {
          current.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // Wake whoever still waits: they read the shared tier once and go on.
    for (String keyHash : List.copyOf(waiters.keySet())) {
      wake(keyHash);
    }
  }

  private final class Subscription extends JedisPubSub {
    private volatile boolean confirmed;

    /** Writes on the subscribed connection come from two threads (pinger, close): one at a time. */
    synchronized void keepAlive() {
      try {
        if (isSubscribed()) {
          ping();
        }
      } catch (RuntimeException broken) {
        // The subscriber thread's read fails on the same connection and resubscribes.
        LOG.debug("event=fill_notifications_ping_failed policy={} error=\"{}\"", policy, broken.getMessage());
      }
    }

    synchronized void end() {
      try {
        if (isSubscribed()) {
          unsubscribe();
        }
      } catch (RuntimeException broken) {
        LOG.debug("event=fill_notifications_unsubscribe_failed policy={} error=\"{}\"", policy, broken.getMessage());
      }
    }

    @Override
    public void onMessage(String ch, String message) {
      wake(message);
    }

    @Override
    public void onSubscribe(String ch, int subscribedChannels) {
      confirmed = true;
      LOG.debug("event=fill_notifications_subscribed policy={}", policy);
      if (!running) {
        // close() ran between the loop's check and the subscription: end it here.
        end();
      }
    }
  }
}
