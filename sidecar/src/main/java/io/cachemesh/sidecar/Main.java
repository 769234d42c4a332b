package io.cachemesh.sidecar;

import io.cachemesh.api.compiled.CompiledConfig;
import io.cachemesh.api.validation.FieldError;
import io.cachemesh.api.validation.InvalidPolicyException;
import io.cachemesh.sidecar.cli.Options;
import io.cachemesh.sidecar.cli.OptionsParser;
import io.cachemesh.sidecar.cli.UsageException;
import io.cachemesh.sidecar.config.ConfigFiles;
import io.cachemesh.sidecar.config.Engines;
import io.cachemesh.sidecar.jmx.LeanMBeanServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/** Entry point: parse, load, start, and on SIGTERM/SIGINT drain and exit 0. */
public final class Main {
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    // XNIO registers an MBean when it starts, which builds the platform MBean server with every
    // platform MXBean (0.1-0.25 s of CPU). Nothing of that needs the logging or the config that come
    // first, so it starts now, beside them; XNIO then finds the server built.
    LeanMBeanServerBuilder.install();
    Thread.ofPlatform().daemon().name("mbean-server").start(ManagementFactory::getPlatformMBeanServer);
    int code = run(args, System.out, System.err, System.nanoTime());
    if (code != 0) {
      System.exit(code);
    }
  }

  /** A request waiting on another to the same key waits as long as that one may wait for the origin. */
  private static java.time.Duration coalesceWait(Options options) {
    return options.upstreamSettings().connectTimeout().plus(options.upstreamSettings().responseTimeout());
  }

  /** Returns only on a startup failure; once started, the process ends through the signal handler. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, System.nanoTime());
  }

  /** @param mainEntryNanos {@link System#nanoTime} at {@code main}, where {@code startup_ms} counts from */
  static int run(String[] args, PrintStream out, PrintStream err, long mainEntryNanos) {
    Optional<Options> parsed;
    try {
      parsed = OptionsParser.parse(args, System.getenv());
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      return EXIT_USAGE;
    }
    if (parsed.isEmpty()) {
      out.print(OptionsParser.help());
      return 0;
    }
    Options options = parsed.get();
    Clock clock = Clock.systemUTC();
    // Building the servers and reading the policy each load hundreds of classes: do both at once.
    CompletableFuture<Sidecar> building = CompletableFuture.supplyAsync(
        () -> new Sidecar(options, null, Engines.caching(clock, coalesceWait(options)), clock));
    CompiledConfig initial = null;
    if (options.standalone()) {
      try {
        initial = ConfigFiles.compilePolicy(options.policy());
      } catch (InvalidPolicyException e) {
        err.println("error: policy " + options.policy() + " is invalid:");
        for (FieldError error : e.errors()) {
          err.println("  " + error.field() + ": " + error.reason());
        }
        return EXIT_USAGE;
      } catch (IOException e) {
        err.println("error: cannot read policy " + options.policy() + ": " + e.getMessage());
        return EXIT_USAGE;
      }
    }
    Sidecar sidecar;
    try {
      sidecar = building.join();
      if (initial != null) {
        sidecar.engine().apply(initial);
      }
      sidecar.start(mainEntryNanos);
    } catch (RuntimeException e) {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      err.println("error: cannot start: " + cause.getMessage());
      return EXIT_FAILED;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sidecar.close();
    System.exit(0);
    return 0;
  }
}
