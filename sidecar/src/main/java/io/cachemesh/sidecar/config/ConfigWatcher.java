package io.cachemesh.sidecar.config;

import io.cachemesh.api.compiled.CompiledConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the engine on the mounted compiled config. The kubelet updates a ConfigMap volume by
 * swapping a {@code ..data} symlink, which some filesystems report late or not at all, so the
 * directory is watched and the file's content hash is also polled. A changed file is applied in
 * place; a bad one keeps the last good config (logged once per distinct content, counted); a
 * vanished one switches to pass-through until a config appears again.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
  private static final byte[] ABSENT = new byte[0];
  private final Path file;
  private final LiveEngine engine;
  private final Duration pollInterval;
  private final Counter successes;
  private final Counter failures;
  private byte[] lastSeen;
  private volatile boolean running = true;
  private WatchService watch;
  private Thread thread;

  public ConfigWatcher(Path file, LiveEngine engine, Duration pollInterval, MeterRegistry registry) {
    this.file = file.toAbsolutePath();
    this.engine = engine;
    this.pollInterval = pollInterval;
    this.successes = reloads(registry, "success");
    this.failures = reloads(registry, "failure");
    Gauge.builder("cachemesh_config_pass_through", engine, e -> e.passThrough() ? 1 : 0)
        .description("1 while no valid config is loaded and every request passes through")
        .register(registry);
  }

  private static Counter reloads(MeterRegistry registry, String result) {
    return Counter.builder("cachemesh_config_reloads")
        .description("Config files read, by result")
        .tag("result", result)
        .register(registry);
  }

  /** Reads the file now, so that a sidecar under construction has its config before it listens. */
  public void load() {
    check();
  }

  /** Reads the file now (unchanged since {@link #load}: nothing to do); then watches it on a virtual thread. */
  public void start() {
    check();
    try {
      watch = FileSystems.getDefault().newWatchService();
      file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      LOG.warn("event=config_watch_unavailable dir={} reason=\"{}\" fallback=poll interval={}ms",
          file.getParent(), e.getMessage(), pollInterval.toMillis());
    }
    thread = Thread.ofVirtual().name("config-watcher").start(this::loop);
  }

  private void loop() {
    while (running) {
      try {
        if (watch != null) {
          WatchKey key = watch.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
          }
        } else {
          Thread.sleep(pollInterval);
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      check();
    }
  }

  /** Applies the file if its content changed since the last look. */
  synchronized void check() {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      content = ABSENT;
    } catch (IOException e) {
      LOG.warn("event=config_unreadable file={} reason=\"{}\"", file, e.getMessage());
      return;
    }
    byte[] digest = content == ABSENT ? ABSENT : sha256(content);
    if (lastSeen != null && Arrays.equals(digest, lastSeen)) {
      return;
    }
    lastSeen = digest;
    if (content == ABSENT) {
      engine.dropConfig();
      LOG.warn("event=config_missing file={} action=pass_through", file);
      return;
    }
    CompiledConfig config;
    try {
      config = CompiledConfigReader.read(content);
    } catch (IOException | RuntimeException e) {
      failures.increment();
      LOG.warn("event=config_rejected file={} reason=\"{}\" action=keep_last_good hash={}", file,
          firstLine(e.getMessage()), engine.config() == null ? "none" : engine.config().hash());
      return;
    }
    engine.apply(config);
    successes.increment();
    LOG.info("event=config_loaded file={} policy={} hash={} rules={}", file, config.policy(), config.hash(),
        config.rules().size());
    RuleSummary.lines(config).forEach(line -> LOG.info(line));
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return (nl < 0 ? message : message.substring(0, nl)).replace('"', '\'');
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public void close() throws IOException {
    running = false;
    if (watch != null) {
      watch.close();
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
