package io.cachemesh.sidecar.broker;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.broker.MalformedEventException;
import io.cachemesh.api.broker.StreamIds;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.redis.RedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Applies a policy's invalidation stream to this replica, on one platform thread.
 *
 * <ul>
 *   <li>Starts at the stream's last id when it first reaches Redis (the memory tier is empty at
 *       start, older events have nothing to drop). If that first connection was late, events may
 *       have been missed while this replica already cached: that is a gap.
 *   <li>Reads with XREAD BLOCK from the last id it handled; each event becomes {@link Purge}s
 *       handed to the {@link PurgeSink} (the engine's {@code beginFleetPurge}), carrying the id's
 *       time so a soft purge replayed late marks only entries fetched before it. The sink applies
 *       each purge to memory at once; what is left of it (the shared tier's purge) runs once the
 *       whole batch is in memory, then the batch's gap check: neither delays the next replica-side
 *       drop, and the sink hides what a purge matches in the shared tier until its part has run.
 *   <li>A malformed event is counted ({@code cachemesh_broker_events_total{result="malformed"}}),
 *       logged once with its id and skipped.
 *   <li>After a failed read it reconnects with a doubling backoff and resumes from the last id
 *       (replay). Before resuming, after applying each batch read (against the id before the
 *       batch), and whenever a full batch says it is behind, it checks that nothing after its
 *       last id was lost: the stream vanished, was recreated behind it, deleted
 *       entries past it ({@code max-deleted-entry-id}, Redis 7), or its first remaining entry is
 *       past it (trimmed; conservative when exactly its own last entry went, unless Redis 7's
 *       {@code entries-added} shows nothing was ever removed). That is a gap: the gap handler drops what this
 *       replica cannot prove fresh, and {@code cachemesh_broker_gaps_total} counts it.
 *   <li>Propagation latency goes into {@code cachemesh_invalidation_propagation_seconds}: this
 *       replica's clock once the sink returned for every purge of the event (from then on the
 *       replica serves nothing the event removed, from any tier), minus the event id's time (the
 *       broker's clock). It does not include the shared tier's purge, which follows.
 * </ul>
 */
public final class InvalidationConsumer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InvalidationConsumer.class);
  private static final String START = "0-0";

  private final RedisConnection redis;
  private final PolicyId policy;
  private final String stream;
  private final PurgeSink sink;
  private final Runnable onGap;
  private final ConsumerSettings settings;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Counter applied;
  private final Counter malformed;
  private final Counter failed;
  private final Counter disconnects;
  private final Timer propagation;
  private final Map<String, Counter> gaps = new ConcurrentHashMap<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final Gauge connectedGauge;

  private volatile String lastId;
  /**
   * The stream's last id when this consumer last found a gap: its memory drop came after every
   * event up to there, so a later check need not report their loss again (batches are checked after
   * they are applied, and the check after a batch also sees losses past it). Consumer thread only.
   */
  private String gapCoveredTo = START;
  private volatile boolean connected;
  private volatile boolean running;
  private Thread thread;

  public InvalidationConsumer(
      RedisConnection redis, PolicyId policy, PurgeSink sink, Runnable onGap,
      ConsumerSettings settings, Clock clock, MeterRegistry registry) {
    this.redis = redis;
    this.policy = policy;
    this.stream = BrokerKeys.events(policy);
    this.sink = sink;
    this.onGap = onGap;
    this.settings = settings;
    this.clock = clock;
    this.registry = registry;
    this.applied = events("applied");
    this.malformed = events("malformed");
    this.failed = events("failed");
    this.disconnects = Counter.builder("cachemesh.broker.disconnects")
        .description("Failed reads of the invalidation stream (each followed by a reconnect and a gap check)")
        .tag("policy", policy.toString())
        .register(registry);
    this.propagation = Timer.builder("cachemesh.invalidation.propagation")
        .description("Time from an invalidation's acceptance by the broker to its application on this replica")
        .tag("policy", policy.toString())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry);
    this.connectedGauge = Gauge.builder("cachemesh.broker.connected", this, c -> c.connected ? 1 : 0)
        .description("1 while the invalidation stream is being read")
        .tag("policy", policy.toString())
        .register(registry);
  }

  public synchronized void start() {
    if (thread != null) {
      throw new IllegalStateException("consumer of " + policy + " already started");
    }
    running = true;
    // A platform thread: it waits in XREAD nearly all the time and must act the moment an event
    // lands. On a virtual thread each reply crossed the poller and a parked carrier: 2-3 ms per
    // round trip on an idle 2-core machine (Redis MONITOR timestamps), under 1 ms here.
    thread = Thread.ofPlatform().daemon().name("cachemesh-broker-" + policy).start(this::run);
  }

  /** The id of the last event handled (applied or skipped), or the stream's last id at start; "0-0" before. */
  public String lastAppliedId() {
    String id = lastId;
    return id == null ? START : id;
  }

  /** Whether the consumer is positioned on the stream and its last command succeeded. */
  public boolean connected() {
    return connected;
  }

  private void run() {
    ReadLoop loop = new ReadLoop();
    while (running) {
      try {
        loop.readOnce(redis.client());
      } catch (RuntimeException e) {
        // Jedis errors, and a client that cannot be built yet (no node reachable): retry with backoff.
        connected = false;
        if (!running) {
          break;
        }
        disconnects.increment();
        if (!loop.down) {
          LOG.warn("event=broker_disconnected policy={} lastId={} error=\"{}\"", policy, lastAppliedId(), e.getMessage());
          loop.down = true;
        }
        loop.startedLate |= !loop.positioned;
        loop.checkGap = true;
        await(loop.backoff);
        loop.backoff = loop.backoff.multipliedBy(2).compareTo(settings.maxBackoff()) > 0
            ? settings.maxBackoff() : loop.backoff.multipliedBy(2);
      }
    }
    connected = false;
  }

  /**
   * One read and what follows it, with the state that carries from read to read (consumer thread
   * only). A method of its own rather than the body of {@link #run}'s loop: a loop body runs
   * interpreted until the JIT's on-stack replacement, tens of thousands of iterations away, while
   * a method is compiled after a few hundred calls.
   */
  private final class ReadLoop {
    private final XReadParams params = XReadParams.xReadParams()
        .block(Math.toIntExact(settings.block().toMillis()))
        .count(settings.batch());
    boolean positioned;
    boolean startedLate;
    boolean checkGap;
    boolean down;
    Duration backoff = settings.minBackoff();

    void readOnce(UnifiedJedis r) {
      // One gap check per read: the batch check below is skipped when this one ran.
      boolean checked = false;
      if (!positioned) {
        lastId = currentLastId(r);
        positioned = true;
        if (startedLate) {
          gap("late_start");
        }
      } else if (checkGap) {
        checkGap(r, lastAppliedId());
        checked = true;
      }
      checkGap = false;
      connected = true;
      List<Map.Entry<String, List<StreamEntry>>> reply = r.xread(params, Map.of(stream, new StreamEntryID(lastId)));
      if (down) {
        LOG.info("event=broker_reconnected policy={} lastId={}", policy, lastId);
        down = false;
        backoff = settings.minBackoff();
      }
      if (reply == null) {
        return;
      }
      for (Map.Entry<String, List<StreamEntry>> entries : reply) {
        String before = lastAppliedId();
        // Memory first for the whole batch (what the propagation latency measures), then the
        // shared tier's part of each purge, then the gap check.
        List<Runnable> rest = new ArrayList<>(entries.getValue().size());
        for (StreamEntry entry : entries.getValue()) {
          apply(entry, rest);
        }
        finish(rest);
        if (!checked && !entries.getValue().isEmpty()) {
          // Entries between the id before this batch and the batch may have been trimmed while
          // this replica was slow or paused, and a batch does not show what is missing. Checked
          // after applying it: purging is always safe, and a gap drops memory anyway.
          checkGap(r, before);
        }
        checkGap = entries.getValue().size() >= settings.batch();
      }
    }
  }

  /** Applies the event's purges to memory; adds what is left of each (the shared tier's part) to {@code rest}. */
  private void apply(StreamEntry entry, List<Runnable> rest) {
    String id = entry.getID().toString();
    try {
      InvalidationEvent event = InvalidationEvent.parse(entry.getFields());
      long eventTime = StreamIds.millis(id);
      for (Purge purge : EventPurges.toPurges(event, eventTime)) {
        rest.add(sink.begin(purge));
      }
      applied.increment();
      long latency = clock.millis() - eventTime;
      propagation.record(Math.max(0, latency), TimeUnit.MILLISECONDS);
    } catch (MalformedEventException e) {
      malformed.increment();
      LOG.warn("event=broker_event_malformed policy={} id={} field={} reason=\"{}\"", policy, id, e.field(), e.getMessage());
    } catch (RuntimeException e) {
      // The purge may not have happened: this replica can no longer prove what it holds is fresh.
      failed.increment();
      LOG.warn("event=broker_event_failed policy={} id={} error=\"{}\"", policy, id, e.toString());
      gap("apply_failed");
    }
    lastId = id;
  }

  /** Runs the shared tier's part of each purge of a batch; one that fails is a gap, as in {@link #apply}. */
  private void finish(List<Runnable> rest) {
    for (Runnable r : rest) {
      try {
        r.run();
      } catch (RuntimeException e) {
        failed.increment();
        LOG.warn("event=broker_event_failed policy={} id={} phase=shared error=\"{}\"", policy, lastAppliedId(), e.toString());
        gap("apply_failed");
      }
    }
  }

  private String currentLastId(UnifiedJedis r) {
    return StreamState.read(r, stream).map(StreamState::lastGeneratedId).orElse(START);
  }

  /** Whether anything after {@code last} may have been lost; see the class comment. */
  private void checkGap(UnifiedJedis r, String last) {
    Optional<StreamState> read = StreamState.read(r, stream);
    if (read.isEmpty()) {
      if (!START.equals(last)) {
        gap("stream_missing");
        lastId = START;
        gapCoveredTo = START;
      }
      return;
    }
    StreamState info = read.get();
    String generated = info.lastGeneratedId();
    if (StreamIds.compare(generated, last) < 0) {
      gap("stream_reset");
      lastId = generated;
      gapCoveredTo = generated;
      return;
    }
    String since = StreamIds.compare(gapCoveredTo, last) > 0 ? gapCoveredTo : last;
    // Redis 7 records the highest deleted id (XDEL); trimming shows as a first entry past our id.
    // The latter is conservative: it also fires when exactly our own last entry was trimmed.
    boolean deletedPast = info.maxDeletedId().map(deleted -> StreamIds.compare(deleted, since) > 0).orElse(false);
    // Redis 7 also counts every entry ever added: when none was ever removed, a first entry past our
    // id is just a stream that was empty (or absent) when we positioned on it, not a gap.
    boolean removedAny = info.entriesAdded().map(added -> added > info.length()).orElse(true);
    boolean trimmedPast = removedAny && info.firstId().map(first -> StreamIds.compare(first, since) > 0).orElse(false);
    if (deletedPast || trimmedPast) {
      gap("trimmed");
      gapCoveredTo = generated;
    }
  }

  private void gap(String reason) {
    LOG.warn("event=broker_gap policy={} reason={} lastId={}", policy, reason, lastAppliedId());
    try {
      onGap.run();
    } catch (RuntimeException e) {
      LOG.warn("event=broker_gap_handler_failed policy={} error=\"{}\"", policy, e.toString());
    }
    // Counted once the memory tier is dropped, so whoever sees the count also sees the drop.
    gaps.computeIfAbsent(reason, r -> Counter.builder("cachemesh.broker.gaps")
        .description("Times this replica may have missed invalidations and dropped its memory tier")
        .tag("policy", policy.toString())
        .tag("reason", r)
        .register(registry)).increment();
  }

  private void await(Duration delay) {
    try {
      stop.await(delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private Counter events(String result) {
    return Counter.builder("cachemesh.broker.events")
        .description("Invalidation events read from the stream, by result")
        .tag("policy", policy.toString())
        .tag("result", result)
        .register(registry);
  }

  /** Stops reading; returns once the thread has ended (at most about one block plus a socket timeout). */
  @Override
  public void close() {
    Thread current;
    synchronized (this) {
      running = false;
      current = thread;
    }
    stop.countDown();
    // A successor for the same policy (a keyVersion change) registers its own gauge: this one must not shadow it.
    registry.remove(connectedGauge);
    if (current != null) {
      try {
        if (!current.join(settings.block().plusSeconds(2))) {
          current.interrupt();
          current.join(Duration.ofSeconds(1));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
