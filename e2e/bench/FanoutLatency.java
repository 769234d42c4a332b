// Invalidation fan-out latency: publish -> applied on every replica, from the replicas' own
// propagation histograms. Started by `e2e/bench/fleet.sh fanout` once Redis, the origin and the
// sidecars are up; run as a single-file program on the sidecar jar's classpath (for Jedis):
//
//   java -Djdk.httpclient.allowRestrictedHeaders=host -cp sidecar/target/sidecar.jar e2e/bench/FanoutLatency.java \
//       <redis port> <stream> <events> <events per second> <proxy ports,...> <ops ports,...> [<sidecar pids,...>]
//
// Per event: every replica is first made to hold the tagged entry (GET /slow, Host: bench, all
// replicas at once), then one XADD (the README's schema v1, tag `fanout`, hard) is published, at
// the given rate at most: slower when refilling takes longer than the period (the achieved rate
// is printed); a refill starts at least half a period after the event before it. The measurement is
// each replica's cachemesh_invalidation_propagation_seconds (the replica's clock once the purge is
// applied to its memory and what it matches in the shared tier is hidden from it until its own
// Redis-side purge has run, i.e. from then on it serves the purged entry from no tier; minus the
// event id's millisecond: the broker's clock; same host, so one clock), scraped before and after, bucket
// counts summed over replicas. Percentiles are bucket upper bounds (Micrometer's histogram:
// buckets ~10% apart between 1 ms and 30 s), so they are conservative by up to one bucket.
// WARMUP_EVENTS (env, default 20) warm-up events first are not counted. Afterwards every replica must have
// applied every event, and none may answer /slow from memory. With the sidecars' pids (Linux), the
// CPU time they used during the measured events is printed per event and replica (utime + stime from
// /proc, so steadier than latency on a busy machine): the whole process (which also serves the
// refill GETs) and its broker consumer thread alone.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;

public class FanoutLatency {
  private static final Pattern BUCKET = Pattern.compile(
      "^cachemesh_invalidation_propagation_seconds_bucket\\{[^}]*le=\"([^\"]+)\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final Pattern APPLIED = Pattern.compile(
      "^cachemesh_broker_events_total\\{[^}]*result=\"applied\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public static void main(String[] args) throws Exception {
    int redisPort = Integer.parseInt(args[0]);
    String stream = args[1];
    int events = Integer.parseInt(args[2]);
    double rate = Double.parseDouble(args[3]);
    int[] proxies = ports(args[4]);
    int[] ops = ports(args[5]);
    long[] pids = args.length > 6 ? Arrays.stream(args[6].split(",")).mapToLong(Long::parseLong).toArray() : new long[0];
    int warmup = Integer.parseInt(System.getenv().getOrDefault("WARMUP_EVENTS", "20"));
    long periodNanos = (long) (1_000_000_000L / rate);

    try (RedisClient redis = RedisClient.create("127.0.0.1", redisPort)) {
      // Warm-up (JIT, connections), not measured: the replicas were just started.
      publish(redis, stream, warmup, periodNanos, proxies);
      awaitApplied(ops, new long[ops.length], warmup);
      List<TreeMap<Double, Long>> before = new ArrayList<>();
      long[] appliedBefore = new long[ops.length];
      for (int i = 0; i < ops.length; i++) {
        String metrics = get(ops[i], "/metrics").body();
        before.add(buckets(metrics));
        appliedBefore[i] = applied(metrics);
      }
      long[] cpuBefore = cpuTicks(pids, false);
      long[] consumerBefore = cpuTicks(pids, true);
      long t0 = System.nanoTime();
      long refillMemoryHits = publish(redis, stream, events, periodNanos, proxies);
      double achieved = events / ((System.nanoTime() - t0) / 1e9);
      report(events, achieved, proxies, ops, before, appliedBefore, refillMemoryHits);
      if (pids.length > 0) {
        double tickMs = 1000.0 / 100; // USER_HZ: 100 on Linux
        System.out.printf("CPU per event and replica during the measured events: process %.2f ms, broker consumer thread %.2f ms%n",
            tickMs * (sum(cpuTicks(pids, false)) - sum(cpuBefore)) / ((double) events * pids.length),
            tickMs * (sum(cpuTicks(pids, true)) - sum(consumerBefore)) / ((double) events * pids.length));
      }
    }
  }

  /** utime + stime of each process, or of its broker consumer thread (named cachemesh-broker-*), in clock ticks. */
  private static long[] cpuTicks(long[] pids, boolean consumerOnly) throws Exception {
    long[] ticks = new long[pids.length];
    for (int i = 0; i < pids.length; i++) {
      if (!consumerOnly) {
        ticks[i] = ticks(Path.of("/proc/" + pids[i] + "/stat"));
        continue;
      }
      try (var tasks = Files.list(Path.of("/proc/" + pids[i] + "/task"))) {
        for (Path task : tasks.toList()) {
          if (Files.readString(task.resolve("comm")).startsWith("cachemesh-broke")) {
            ticks[i] += ticks(task.resolve("stat"));
          }
        }
      }
    }
    return ticks;
  }

  private static long ticks(Path stat) throws Exception {
    String text = Files.readString(stat);
    String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime: fields 14 and 15 of stat
  }

  private static long sum(long[] values) {
    return Arrays.stream(values).sum();
  }

  /**
   * Publishes events at the rate (or slower, when a refill takes longer than the rest of the
   * period), each after a refill that starts at least half a period after the previous event.
   * Returns how many refill GETs were still memory hits: replicas that had not applied the event yet.
   */
  private static long publish(RedisClient redis, String stream, int events, long periodNanos, int[] proxies) {
    XAddParams params = XAddParams.xAddParams().maxLen(10000).approximateTrimming();
    long memoryHits = 0;
    long nextPublish = System.nanoTime();
    for (int e = 0; e < events; e++) {
      List<String> statuses = refill(proxies);
      if (e > 0) {
        memoryHits += statuses.stream().filter(FanoutLatency::memoryHit).count();
      }
      LockSupport.parkNanos(nextPublish - System.nanoTime());
      redis.xadd(stream, params, Map.of("v", "1", "tags", "fanout", "mode", "hard", "origin", "bench"));
      long published = System.nanoTime();
      nextPublish = published + periodNanos;
      LockSupport.parkNanos(published + periodNanos / 2 - System.nanoTime());
    }
    return memoryHits;
  }

  /** Waits (bounded) until every replica applied {@code events} more than {@code base}; returns the counts. */
  private static long[] awaitApplied(int[] ops, long[] base, int events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    long[] applied = new long[ops.length];
    boolean all;
    do {
      all = true;
      for (int i = 0; i < ops.length; i++) {
        applied[i] = applied(get(ops[i], "/metrics").body()) - base[i];
        all &= applied[i] >= events;
      }
      if (!all) {
        Thread.sleep(100);
      }
    } while (!all && System.nanoTime() < deadline);
    return applied;
  }

  private static void report(int events, double rate, int[] proxies, int[] ops, List<TreeMap<Double, Long>> before,
      long[] appliedBefore, long refillMemoryHits) throws Exception {
    long[] appliedNow = awaitApplied(ops, appliedBefore, events);
    boolean all = Arrays.stream(appliedNow).allMatch(n -> n >= events);
    TreeMap<Double, Long> pooled = new TreeMap<>();
    double worstReplicaP99 = 0;
    for (int i = 0; i < ops.length; i++) {
      TreeMap<Double, Long> after = buckets(get(ops[i], "/metrics").body());
      TreeMap<Double, Long> earlier = before.get(i);
      TreeMap<Double, Long> delta = new TreeMap<>();
      after.forEach((le, count) -> delta.put(le, count - earlier.getOrDefault(le, 0L)));
      delta.forEach((le, count) -> pooled.merge(le, count, Long::sum));
      worstReplicaP99 = Math.max(worstReplicaP99, quantile(delta, 0.99));
    }
    long stillInMemory = 0;
    for (String status : refill(proxies)) {
      stillInMemory += memoryHit(status) ? 1 : 0;
    }
    long total = pooled.isEmpty() ? 0 : pooled.lastEntry().getValue();
    System.out.printf("fan-out: %d events at %.1f/s (achieved) to %d replicas; applied per replica min %d max %d (expected %d)%n",
        events, rate, ops.length, Arrays.stream(appliedNow).min().orElse(0), Arrays.stream(appliedNow).max().orElse(0), events);
    System.out.printf("propagation (publish -> applied, replica metric, %d samples): p50 <= %.1f ms, p99 <= %.1f ms, max <= %.1f ms; worst replica's p99 <= %.1f ms%n",
        total, ms(quantile(pooled, 0.50)), ms(quantile(pooled, 0.99)), ms(quantile(pooled, 1.0)), ms(worstReplicaP99));
    System.out.printf("distribution (share of samples at or under): %s%n", shares(pooled, 0.005, 0.010, 0.020, 0.050, 0.100));
    System.out.printf("check: /slow answered from memory after the last event on %d of %d replicas (expected 0); "
        + "refill GETs (at least half a period after an event) still answered from memory, i.e. not applied yet: %d of %d%n",
        stillInMemory, proxies.length, refillMemoryHits, (long) (events - 1) * proxies.length);
    if (!all || stillInMemory > 0) {
      System.exit(1);
    }
  }

  private static String shares(TreeMap<Double, Long> cumulative, double... limits) {
    long total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    StringBuilder out = new StringBuilder();
    for (double limit : limits) {
      Map.Entry<Double, Long> at = cumulative.floorEntry(limit * 1.0001);
      out.append(String.format("%s%.0f ms %.1f%%", out.isEmpty() ? "" : ", ", limit * 1000,
          at == null || total == 0 ? 0.0 : 100.0 * at.getValue() / total));
    }
    return out.toString();
  }

  /** GET /slow on every replica at once; the Cache-Status of each answer. */
  private static List<String> refill(int[] proxies) {
    List<CompletableFuture<HttpResponse<Void>>> calls = new ArrayList<>();
    for (int port : proxies) {
      calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow"))
          .header("Host", "bench").timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()));
    }
    List<String> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<Void>> call : calls) {
      HttpResponse<Void> response = call.join();
      if (response.statusCode() != 200) {
        throw new IllegalStateException("refill GET /slow answered " + response.statusCode());
      }
      statuses.add(response.headers().firstValue("Cache-Status").orElse(""));
    }
    return statuses;
  }

  private static boolean memoryHit(String cacheStatus) {
    return cacheStatus.contains("; hit") && !cacheStatus.contains("detail=shared");
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static TreeMap<Double, Long> buckets(String metrics) {
    TreeMap<Double, Long> buckets = new TreeMap<>();
    Matcher m = BUCKET.matcher(metrics);
    while (m.find()) {
      buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
          (long) Double.parseDouble(m.group(2)));
    }
    return buckets;
  }

  private static long applied(String metrics) {
    Matcher m = APPLIED.matcher(metrics);
    long sum = 0;
    while (m.find()) {
      sum += (long) Double.parseDouble(m.group(1));
    }
    return sum;
  }

  /** Upper bound (seconds) of the bucket holding quantile q of cumulative bucket counts. */
  private static double quantile(TreeMap<Double, Long> cumulative, double q) {
    if (cumulative.isEmpty() || cumulative.lastEntry().getValue() == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * cumulative.lastEntry().getValue());
    for (Map.Entry<Double, Long> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= Math.max(1, rank)) {
        return bucket.getKey();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static double ms(double seconds) {
    return seconds * 1000;
  }

  private static int[] ports(String csv) {
    return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
  }
}
