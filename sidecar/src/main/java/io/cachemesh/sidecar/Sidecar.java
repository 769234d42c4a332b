package io.cachemesh.sidecar;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.sidecar.admin.AdminServer;
import io.cachemesh.sidecar.broker.FleetBinding;
import io.cachemesh.sidecar.broker.PolicyFleet;
import io.cachemesh.sidecar.cli.Options;
import io.cachemesh.sidecar.config.ConfigWatcher;
import io.cachemesh.sidecar.config.Engines;
import io.cachemesh.sidecar.config.LiveEngine;
import io.cachemesh.sidecar.config.RuleSummary;
import io.cachemesh.sidecar.http.SharedIo;
import io.cachemesh.sidecar.metrics.Metrics;
import io.cachemesh.sidecar.metrics.OpsServer;
import io.cachemesh.sidecar.origin.UpstreamClient;
import io.cachemesh.sidecar.origin.UpstreamMetrics;
import io.cachemesh.sidecar.relay.OriginRelay;
import io.cachemesh.sidecar.proxy.ProxyServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process: the engine, the upstream client and the three listeners, started in dependency
 * order and stopped in reverse (traffic drains first, then the rest).
 */
public final class Sidecar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);
  private static final java.time.Duration HEARTBEAT_INTERVAL = java.time.Duration.ofSeconds(10);
  private static final java.time.Duration JVM_METERS_DELAY = java.time.Duration.ofSeconds(1);

  static {
    // Undertow and XNIO log through JBoss Logging: route it to the same slf4j output.
    System.setProperty("org.jboss.logging.provider", "slf4j");
  }
  private final Options options;
  private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final Metrics metrics;
  private final SharedIo io;
  private final LiveEngine engine;
  private final UpstreamClient upstream;
  private final OriginRelay relay;
  private final ProxyServer proxy;
  private final AdminServer admin;
  private final OpsServer ops;
  private final ConfigWatcher watcher;
  private final FleetBinding fleet;
  private volatile boolean serving;
  private final long constructedNanos = System.nanoTime();

  /**
   * @param initial the compiled standalone policy; null in injected mode (read from the watched file)
   * @param engines builds the engine for a config ({@link Engines#caching} in the product)
   */
  public Sidecar(Options options, CompiledConfig initial, Engines.Factory engines, Clock clock) {
    this.options = options;
    // Starting XNIO registers an MBean, which builds the platform MBean server with every platform
    // MXBean (a quarter of a second of CPU): the longest step of the start, so it runs beside the rest.
    CompletableFuture<SharedIo> ioStarting = CompletableFuture.supplyAsync(
        () -> new SharedIo(options.limits().ioThreads()), virtualThreads);
    this.metrics = new Metrics();
    this.engine = new LiveEngine(config -> engines.create(config, metrics.registry()));
    this.fleet = options.broker() == null ? null : new FleetBinding(options.broker(),
        new PolicyFleet.Identity(options.broker().pod(), version(), HEARTBEAT_INTERVAL), clock, metrics.registry());
    if (fleet != null) {
      engine.setListener(fleet);
    }
    if (initial != null) {
      engine.apply(initial);
    }
    UpstreamMetrics upstreamMetrics = new UpstreamMetrics(metrics.registry());
    this.upstream = new UpstreamClient(options.upstream(), options.upstreamSettings(), upstreamMetrics, clock);
    this.relay = new OriginRelay(options.upstream(), options.upstreamSettings(), upstreamMetrics, clock);
    this.watcher = options.config() == null ? null
        : new ConfigWatcher(options.config(), engine, options.configPoll(), metrics.registry());
    if (watcher != null) {
      watcher.load();
    }
    try {
      this.io = ioStarting.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    this.proxy = new ProxyServer(options.listen(), io, engine, upstream, relay, options.limits(), metrics.registry(), virtualThreads);
    this.admin = new AdminServer(options.adminListen(), io, engine, virtualThreads);
    this.ops = new OpsServer(options.opsListen(), io, metrics.registry(), this::ready, virtualThreads);
  }

  /** Starts an embedded sidecar; {@code startup_ms} counts from its construction. */
  public void start() {
    start(constructedNanos, false);
  }

  /** Starts the process's sidecar; {@code startup_ms} counts from {@code mainEntryNanos} ({@link System#nanoTime}). */
  public void start(long mainEntryNanos) {
    start(mainEntryNanos, true);
  }

  private void start(long sinceNanos, boolean fromMain) {
    if (watcher != null) {
      watcher.start();
    } else {
      RuleSummary.lines(engine.config()).forEach(line -> LOG.info(line));
    }
    ops.start();
    admin.start();
    proxy.start();
    serving = true;
    LOG.info("event=listening role=proxy address={} upstream={} mode={}", hostPort(proxy.address()), options.upstream(),
        options.standalone() ? "standalone" : "injected");
    LOG.info("event=listening role=admin address={} endpoints=\"POST /purge, GET /inspect, GET /config\"", hostPort(admin.address()));
    LOG.info("event=listening role=ops address={} endpoints=\"/healthz, /ready, /metrics\"", hostPort(ops.address()));
    if (fleet != null) {
      // A rotated Secret is picked up in place, watched like the config file.
      fleet.start(options.configPoll());
      LOG.info("event=broker source={} pod={} note=\"connects lazily; Redis down means memory and upstream only\"",
          options.broker(), options.broker().pod());
    }
    // Monotonic, from main: ProcessHandle's start instant is /proc/stat btime (whole seconds, and
    // shifted by any wall-clock step since boot) plus jiffies, compared with the wall clock; it once
    // said 21 s for a sub-second start.
    long readyMillis = (System.nanoTime() - sinceNanos) / 1_000_000;
    LOG.info("event=started ready={} startup_ms={}", ready(), readyMillis);
    // The JVM and process meters (MXBean lookups, a GC listener) wait a second: binding them at once
    // took CPU from the first probe, and a scrape comes after seconds anyway. An IO thread's timer
    // (not CompletableFuture's delayer, a thread of its own for the life of the process) hands it on.
    io.worker().getIoThread().executeAfter(() -> virtualThreads.execute(() -> {
      metrics.bindJvmAndProcess();
      if (fromMain) {
        // The JVM's own uptime is monotonic from its creation; the meters above loaded the bean anyway.
        long jvmToMain = ManagementFactory.getRuntimeMXBean().getUptime() - (System.nanoTime() - sinceNanos) / 1_000_000;
        LOG.info("event=startup_measured jvm_to_main_ms={} main_to_ready_ms={} process_to_ready_ms={}", jvmToMain,
            readyMillis, jvmToMain + readyMillis);
      }
    }), JVM_METERS_DELAY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The project version from the jar's manifest; "dev" when run from classes. */
  private static String version() {
    String v = Sidecar.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Serving, with a config loaded at least once (a later failed reload or a deletion keeps it ready). */
  public boolean ready() {
    return serving && engine.everConfigured();
  }

  public LiveEngine engine() {
    return engine;
  }

  public InetSocketAddress proxyAddress() {
    return proxy.address();
  }

  public InetSocketAddress adminAddress() {
    return admin.address();
  }

  public InetSocketAddress opsAddress() {
    return ops.address();
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  /** Stops taking requests, waits (bounded) for those in flight, then stops everything else. */
  @Override
  public void close() {
    serving = false;
    try {
      boolean drained = proxy.drain(options.shutdownTimeout());
      LOG.info("event=shutdown drained={}", drained);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxy.close();
    admin.close();
    ops.close();
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      LOG.warn("event=config_watcher_close_failed reason=\"{}\"", e.getMessage());
    }
    if (fleet != null) {
      fleet.close();
    }
    upstream.close();
    relay.close();
    io.close();
    virtualThreads.shutdownNow();
    metrics.close();
  }
}
