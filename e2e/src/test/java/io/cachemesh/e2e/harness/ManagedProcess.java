package io.cachemesh.e2e.harness;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child process of the harness: its stdout and stderr go to {@code target/e2e-logs/<name>.log}
 * (kept after the run for diagnosis), readiness is a log line or a probe, and it is always stopped:
 * by {@link #close()} from the tests, else by a JVM shutdown hook, SIGTERM first and SIGKILL after a bound.
 */
public final class ManagedProcess implements AutoCloseable {
  private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  static {
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> LIVE.forEach(ManagedProcess::close)));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private volatile boolean paused;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with {@code env} added to this JVM's environment. */
  public static ManagedProcess start(String name, List<String> command, Map<String, String> env) {
    Path log = E2eDirs.logFile(name);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.PIPE);
    builder.environment().putAll(env);
    try {
      Files.writeString(log, "# " + String.join(" ", command) + System.lineSeparator(), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.APPEND);
      ManagedProcess started = new ManagedProcess(name, builder.start(), log);
      LIVE.add(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the log has a line matching {@code pattern} and returns its first group (or the
   * whole match); fails at once with the log's tail when the process exits first.
   */
  public String awaitLog(Pattern pattern, Duration timeout) {
    AtomicReference<String> found = new AtomicReference<>();
    await(name + " logs " + pattern).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
      Matcher m = pattern.matcher(logText());
      if (m.find()) {
        found.set(m.groupCount() > 0 ? m.group(1) : m.group());
        return true;
      }
      requireAlive();
      return false;
    });
    return found.get();
  }

  /** Throws with the log's tail when the process has exited. */
  public void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log tail:\n" + tail());
    }
  }

  public String tail() {
    String text = logText();
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }

  /** SIGSTOP: the process keeps its sockets but runs no code, as in a long pause or a frozen node. */
  public void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT after {@link #pause()}. */
  public void resume() {
    signal("CONT");
    paused = false;
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** SIGKILL, as a crash or an OOM kill: no shutdown hook runs in the child. */
  public void kill() {
    process.destroyForcibly();
    waitFor(STOP_GRACE);
    LIVE.remove(this);
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  @Override
  public void close() {
    if (process.isAlive()) {
      if (paused) {
        // A stopped process acts on SIGTERM only once continued.
        resume();
      }
      process.destroy();
      if (!waitFor(STOP_GRACE)) {
        process.destroyForcibly();
        waitFor(STOP_GRACE);
      }
    }
    LIVE.remove(this);
  }

  private boolean waitFor(Duration bound) {
    try {
      return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
