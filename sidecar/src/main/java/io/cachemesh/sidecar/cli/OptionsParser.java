package io.cachemesh.sidecar.cli;

import io.cachemesh.api.units.Durations;
import io.cachemesh.api.units.Sizes;
import io.cachemesh.sidecar.broker.BrokerSource;
import io.cachemesh.sidecar.http.HostPort;
import io.cachemesh.sidecar.origin.UpstreamAddress;
import io.cachemesh.sidecar.origin.UpstreamSettings;
import io.cachemesh.sidecar.proxy.ProxyLimits;
import io.cachemesh.sidecar.redis.BrokerSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Flags, then environment variables, then defaults. Every flag has an environment variable so that
 * the injected container is configured the Kubernetes way and a laptop the shell way.
 */
public final class OptionsParser {
  static final List<Flag> FLAGS = List.of(
      new Flag("policy", "FILE", null, "Standalone mode: a CachePolicy YAML, validated and compiled at start."),
      new Flag("config", "FILE", null, "Injected mode: the compiled config JSON (the mounted ConfigMap), watched and reloaded in place."),
      new Flag("upstream", "URL", null, "The application, http://HOST:PORT. Required."),
      new Flag("listen", "HOST:PORT", "127.0.0.1:8080 (standalone), 0.0.0.0:8080 (injected)", "Where clients connect."),
      new Flag("admin-listen", "HOST:PORT", "127.0.0.1:9901", "Admin API (purge, inspect, config). Loopback addresses only."),
      new Flag("ops-listen", "HOST:PORT", "127.0.0.1:9902 (standalone), 0.0.0.0:9902 (injected)", "/healthz, /ready and /metrics; the kubelet and Prometheus reach it on the pod IP."),
      new Flag("connect-timeout", "DURATION", "2s", "Longest wait to connect to the application."),
      new Flag("response-timeout", "DURATION", "30s", "Longest wait for the application's response head (then 504)."),
      new Flag("read-timeout", "DURATION", "30s", "Longest silence while reading a response body."),
      new Flag("upstream-idle-timeout", "DURATION", "4s", "Idle keep-alive connections to the application are closed after this; keep it below the application's own keep-alive timeout."),
      new Flag("upstream-max-idle", "N", "64", "Most idle keep-alive connections kept to the application."),
      new Flag("max-header-size", "SIZE", "32Ki", "Largest request head; larger requests are refused."),
      new Flag("max-request-body", "SIZE", "64Mi", "Largest request body; a larger declared Content-Length gets 413."),
      new Flag("idle-timeout", "DURATION", "60s", "Client keep-alive connections idle this long are closed."),
      new Flag("io-threads", "N", "number of cores", "Event loop threads."),
      new Flag("config-poll", "DURATION", "5s", "Injected mode: how often the config file's content is checked besides watching its directory."),
      new Flag("shutdown-timeout", "DURATION", "25s", "On SIGTERM, longest wait for requests in flight."),
      new Flag("broker-dir", "DIR", BrokerSource.DEFAULT_DIRECTORY + " when it exists (injected mode)",
          "The mounted broker Secret (files url, username, password, ca.crt, hmacKey): shared tier and fleet-wide invalidation on Redis."),
      new Flag("redis-url", "URL", null, "Instead of --broker-dir: redis://, rediss://, redis-cluster://, redis-sentinel://; "
          + "needs CACHEMESH_REDIS_HMAC_KEY (16+ bytes), optional CACHEMESH_REDIS_USERNAME, _PASSWORD, _CA_FILE."),
      new Flag("pod-name", "NAME", "$POD_NAME, else the host name", "This replica's name in broker heartbeats and event origins."));

  private OptionsParser() {}

  /** @return empty when {@code --help} was asked for */
  public static Optional<Options> parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> given = new HashMap<>();
    for (Flag flag : FLAGS) {
      String value = env.get(flag.env());
      if (value != null && !value.isEmpty()) {
        given.put(flag.name(), value);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return Optional.empty();
      }
      if (!arg.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "' (see --help)");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      String flagName = name;
      if (FLAGS.stream().noneMatch(f -> f.name().equals(flagName))) {
        throw new UsageException("unknown flag --" + name + " (see --help)");
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      given.put(name, value);
    }
    return Optional.of(build(given, env));
  }

  private static Options build(Map<String, String> given, Map<String, String> env) throws UsageException {
    String policy = given.get("policy");
    String config = given.get("config");
    if ((policy == null) == (config == null)) {
      throw new UsageException("give exactly one of --policy FILE (standalone) or --config FILE (injected)");
    }
    boolean standalone = policy != null;
    String upstream = given.get("upstream");
    if (upstream == null) {
      throw new UsageException("--upstream URL is required (e.g. http://127.0.0.1:8000)");
    }
    UpstreamAddress address = convert("upstream", upstream, UpstreamAddress::parse);
    HostPort listen = hostPort(given, "listen", standalone ? "127.0.0.1:8080" : "0.0.0.0:8080");
    HostPort admin = hostPort(given, "admin-listen", "127.0.0.1:9901");
    if (!admin.isLoopback()) {
      throw new UsageException("--admin-listen " + admin + " is not a loopback address: the admin API can purge the cache");
    }
    HostPort ops = hostPort(given, "ops-listen", standalone ? "127.0.0.1:9902" : "0.0.0.0:9902");
    Duration connect = duration(given, "connect-timeout", "2s");
    Duration response = duration(given, "response-timeout", "30s");
    Duration read = duration(given, "read-timeout", "30s");
    Duration idle = duration(given, "upstream-idle-timeout", "4s");
    int maxIdle = integer(given, "upstream-max-idle", 64);
    UpstreamSettings upstreamSettings;
    try {
      upstreamSettings = new UpstreamSettings(connect, response, read, idle, maxIdle);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    long maxHeader = size(given, "max-header-size", "32Ki");
    if (maxHeader < 1024 || maxHeader > (1 << 20)) {
      throw new UsageException("--max-header-size must be between 1Ki and 1Mi");
    }
    ProxyLimits limits = new ProxyLimits((int) maxHeader, 100, size(given, "max-request-body", "64Mi"),
        integer(given, "io-threads", 0), duration(given, "idle-timeout", "60s"));
    return new Options(
        standalone ? Path.of(policy) : null,
        standalone ? null : Path.of(config),
        address, listen, admin, ops, upstreamSettings, limits,
        duration(given, "config-poll", "5s"),
        duration(given, "shutdown-timeout", "25s"),
        broker(given, env, standalone));
  }

  /** Null without a broker. The settings are checked now: a bad Secret or URL refuses the start, naming the part. */
  private static BrokerSource broker(Map<String, String> given, Map<String, String> env, boolean standalone)
      throws UsageException {
    String dir = given.get("broker-dir");
    String url = given.get("redis-url");
    if (dir != null && url != null) {
      throw new UsageException("give at most one of --broker-dir DIR or --redis-url URL");
    }
    Path directory = dir != null ? Path.of(dir)
        : url == null && !standalone && Files.isDirectory(BrokerSource.DEFAULT_DIRECTORY) ? BrokerSource.DEFAULT_DIRECTORY : null;
    if (directory == null && url == null) {
      return null;
    }
    String pod = given.getOrDefault("pod-name", podName(env));
    try {
      if (url != null) {
        Map<String, String> redisEnv = new HashMap<>(env);
        redisEnv.put(BrokerSecret.ENV_URL, url);
        return new BrokerSource(null, BrokerSecret.fromEnvironment(redisEnv), pod);
      }
      BrokerSecret.read(directory);
      return new BrokerSource(directory, null, pod);
    } catch (IllegalArgumentException e) {
      throw new UsageException((url != null ? "--redis-url" : "--broker-dir " + directory) + ": " + e.getMessage());
    }
  }

  /** POD_NAME (the downward API), else the host name, which Kubernetes sets to the pod's name. No DNS lookup. */
  private static String podName(Map<String, String> env) {
    for (String name : List.of("POD_NAME", "HOSTNAME")) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    try {
      return Files.readString(Path.of("/etc/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private interface Converter<T> {
    T convert(String text);
  }

  private static <T> T convert(String name, String text, Converter<T> converter) throws UsageException {
    try {
      return converter.convert(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + name + ": " + e.getMessage());
    }
  }

  private static HostPort hostPort(Map<String, String> given, String name, String fallback) throws UsageException {
    return convert(name, given.getOrDefault(name, fallback), HostPort::parse);
  }

  private static Duration duration(Map<String, String> given, String name, String fallback) throws UsageException {
    Duration d = convert(name, given.getOrDefault(name, fallback), Durations::parse);
    if (d.isZero()) {
      throw new UsageException("--" + name + " must be longer than 0s");
    }
    return d;
  }

  private static long size(Map<String, String> given, String name, String fallback) throws UsageException {
    return convert(name, given.getOrDefault(name, fallback), Sizes::parseBytes);
  }

  private static int integer(Map<String, String> given, String name, int fallback) throws UsageException {
    String text = given.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < 0) {
        throw new UsageException("--" + name + " must be >= 0, was " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": '" + text + "' is not a number");
    }
  }

  public static String help() {
    StringBuilder s = new StringBuilder();
    s.append("cachemesh sidecar: a caching reverse proxy in front of one application.\n\n")
        .append("Standalone: java -jar sidecar.jar --policy policy.yaml --upstream http://127.0.0.1:8000\n")
        .append("Injected:   java -jar sidecar.jar --config /etc/cachemesh/config.json --upstream http://127.0.0.1:8000\n\n")
        .append("Every flag can also be set by its environment variable; a flag wins over its variable.\n\n");
    Map<String, Flag> ordered = new LinkedHashMap<>();
    FLAGS.forEach(f -> ordered.put(f.name(), f));
    for (Flag f : ordered.values()) {
      s.append(String.format("  --%-22s %s%n", f.name() + " " + f.valueName(), f.env()));
      s.append("      ").append(f.help());
      if (f.defaultText() != null) {
        s.append(" Default: ").append(f.defaultText()).append('.');
      }
      s.append('\n');
    }
    s.append("  --help                   Prints this.\n\n")
        .append("  CACHEMESH_LOG_LEVEL      (environment only) trace, debug, info, warn or error: the least severe\n")
        .append("      event logged, one line each on standard error. Default: info.\n\n")
        .append("DURATION: 500ms, 2s, 5m, 1h. SIZE: 4096, 32Ki, 64Mi.\n")
        .append("Exit codes: 0 stopped cleanly (SIGTERM), 1 failed to start (e.g. port in use), 2 bad flags or an invalid policy.\n");
    return s.toString();
  }
}
