package io.cachemesh.sidecar.broker;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the mounted broker Secret directory and calls {@code onChange} when it may have changed.
 * The kubelet rotates a Secret volume by writing a new timestamped directory and atomically
 * renaming a {@code ..data} symlink over the old one, which the directory watch sees as one burst of
 * events (handled as one change); some filesystems report it late or not at all, so
 * {@code onChange} also runs every {@code pollInterval}. {@code onChange} decides whether anything
 * changed (it compares what it reads with what is in force).
 */
public final class SecretWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecretWatcher.class);

  private final Path directory;
  private final Runnable onChange;
  private final Duration pollInterval;
  private volatile boolean running = true;
  private WatchService watch;
  private Thread thread;

  public SecretWatcher(Path directory, Runnable onChange, Duration pollInterval) {
    this.directory = directory.toAbsolutePath();
    this.onChange = onChange;
    this.pollInterval = pollInterval;
  }

  /** Watches on a virtual thread from now on; returns at once. */
  public synchronized void start() {
    try {
      watch = FileSystems.getDefault().newWatchService();
      directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      LOG.warn("event=broker_secret_watch_unavailable dir={} reason=\"{}\" fallback=poll interval={}ms",
          directory, e.getMessage(), pollInterval.toMillis());
      watch = null;
    }
    WatchService service = watch;
    thread = Thread.ofVirtual().name("broker-secret-watcher").start(() -> loop(service));
  }

  private void loop(WatchService service) {
    while (running) {
      try {
        if (service != null) {
          WatchKey key = service.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
            // The rest of the same swap: one look at the result.
            drain(service);
          }
        } else {
          Thread.sleep(pollInterval);
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      if (!running) {
        return;
      }
      try {
        onChange.run();
      } catch (RuntimeException e) {
        LOG.warn("event=broker_secret_check_failed dir={} error=\"{}\"", directory, e.toString());
      }
    }
  }

  private static void drain(WatchService service) {
    for (WatchKey more = service.poll(); more != null; more = service.poll()) {
      more.pollEvents();
      more.reset();
    }
  }

  @Override
  public synchronized void close() {
    running = false;
    try {
      if (watch != null) {
        watch.close();
      }
    } catch (IOException e) {
      LOG.debug("event=broker_secret_watch_close_failed error=\"{}\"", e.getMessage());
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
