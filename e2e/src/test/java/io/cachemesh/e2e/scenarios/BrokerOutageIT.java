package io.cachemesh.e2e.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cachemesh.e2e.harness.E2eEnvironment;
import io.cachemesh.e2e.harness.E2eExtension;
import io.cachemesh.e2e.harness.RedisProcess;
import io.cachemesh.e2e.harness.SidecarProcess;
import io.cachemesh.e2e.harness.Workload;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scenario 6: the broker fails. Redis killed under load costs clients nothing; when it is back
 * (empty), replicas that cannot prove what they hold is fresh drop it, and invalidations published
 * after the restart reach everyone. A replica cut off while events flowed (paused, while the stream
 * was trimmed past what it had read) does not serve what it missed.
 */
@ExtendWith(E2eExtension.class)
class BrokerOutageIT {
  private static final String POLICY = "outage";
  private static final int CLIENTS = 4;
  private static final int MAX_REQUESTS_PER_CLIENT = 20_000;
  private static E2eEnvironment env;
  private static Workload workload;
  private static List<SidecarProcess> replicas;

  @BeforeAll
  static void setUp(E2eEnvironment environment) {
    env = environment;
    workload = env.workload(POLICY);
    env.apply(Policies.brokered(env, POLICY, """
        defaults:
          ttl: 120s
        """));
    replicas = workload.scale(2);
  }

  @AfterEach
  void redisRunningAndEveryReplicaRunning() {
    if (!env.redis().isRunning()) {
      env.redis().restart();
    }
    replicas.forEach(r -> r.process().resume());
  }

  @AfterAll
  static void tearDown() {
    workload.close();
  }

  @Test
  void redisKilledUnderLoadFailsNoRequestThenReplicasDropWhatTheyCannotProveAndLaterInvalidationsReachEveryone()
      throws Exception {
    String before = Fleet.warm(replicas, "/outage/pages/1");
    // An event every replica has read: from then on each one has a position in the stream to lose.
    List<Double> applied = Fleet.applied(replicas);
    publish("warmup");
    Fleet.awaitApplied(replicas, applied, 1);
    List<Double> gaps = replicas.stream().map(SidecarProcess::brokerGaps).toList();

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    Map<String, String> failures = new ConcurrentHashMap<>();
    List<Future<?>> clients = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(pool.submit(() -> load(client, running, served, failures)));
      }
      try {
        await("load before the kill").atMost(Duration.ofSeconds(20)).until(() -> served.get() >= 40);
        env.redis().kill();
        int atKill = served.get();
        await("load served while Redis is down").atMost(Duration.ofSeconds(30)).until(() -> served.get() >= atKill + 200);
        env.redis().restart();
        await("every replica reads the stream again and counts the gap").atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> {
              for (int i = 0; i < replicas.size(); i++) {
                SidecarProcess replica = replicas.get(i);
                assertThat(replica.metric("cachemesh_broker_connected", Map.of())).as(replica.name()).isEqualTo(1.0);
                assertThat(replica.brokerGaps()).as(replica.name()).isGreaterThan(gaps.get(i));
              }
            });
        int atRestart = served.get();
        await("load served after the restart").atMost(Duration.ofSeconds(30)).until(() -> served.get() >= atRestart + 100);
      } finally {
        running.set(false);
      }
      for (Future<?> client : clients) {
        client.get();
      }
    }
    assertThat(failures).isEmpty();

    // The memory tier went with the gap: the page cached before the outage is fetched again.
    Fleet.assertEveryReplicaServesAFreshCopy(replicas, "/outage/pages/1", before);

    String cached = Fleet.warm(replicas, "/outage/pages/2");
    applied = Fleet.applied(replicas);
    publish("page:/outage/pages/2");
    Fleet.awaitApplied(replicas, applied, 1);
    Fleet.assertEveryReplicaServesAFreshCopy(replicas, "/outage/pages/2", cached);
  }

  @Test
  void replicaPausedWhileEventsFlowAndTheStreamIsTrimmedPastItNeverServesWhatItMissed() {
    String path = "/outage/paused/1";
    String cached = Fleet.warm(replicas, path);
    SidecarProcess live = replicas.get(0);
    SidecarProcess paused = replicas.get(1);
    double pausedApplied = paused.brokerEvents("applied");
    double pausedGaps = paused.brokerGaps();

    paused.process().pause();
    // Events flow at the pace the live replica reads them; exact MAXLEN 1 trims each one as the
    // next arrives, so the one that drops the page is gone from the stream when the pause ends.
    for (String tags : List.of("unrelated:1", "page:" + path, "unrelated:2")) {
      List<Double> applied = Fleet.applied(List.of(live));
      env.redis().xadd(RedisProcess.stream(POLICY), Map.of("v", "1", "tags", tags, "origin", "e2e"), 1, false);
      Fleet.awaitApplied(List.of(live), applied, 1);
    }
    assertThat(env.redis().client().xlen(RedisProcess.stream(POLICY))).isEqualTo(1);
    assertThat(live.get(path).body()).isNotEqualTo(cached);
    paused.process().resume();

    // Either it applied all three, or it knows it may have missed some and dropped its memory tier.
    await(paused.name() + " applies every event or counts a gap").atMost(Fleet.PROPAGATION)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> paused.brokerEvents("applied") >= pausedApplied + 3 || paused.brokerGaps() > pausedGaps);
    assertThat(paused.get(path).body()).isNotEqualTo(cached);
    assertThat(paused.brokerGaps()).as("the missed event is gone from the stream: only a gap can cover it")
        .isGreaterThan(pausedGaps);
  }

  private static void publish(String tags) {
    env.redis().xadd(RedisProcess.stream(POLICY), Map.of("v", "1", "tags", tags, "origin", "e2e"), 10_000, true);
  }

  /** One client: GETs over 20 pages and both replicas until told to stop, at most a bounded number. */
  private static void load(int client, AtomicBoolean running, AtomicInteger served, Map<String, String> failures) {
    for (int i = 0; running.get() && i < MAX_REQUESTS_PER_CLIENT; i++) {
      SidecarProcess replica = replicas.get((i + client) % replicas.size());
      String path = "/outage/load/" + ((i * CLIENTS + client) % 20);
      try {
        HttpResponse<String> response = replica.get(path);
        if (response.statusCode() != 200) {
          failures.put(client + "#" + i + " " + replica.name() + path, "status " + response.statusCode());
        }
      } catch (RuntimeException e) {
        failures.put(client + "#" + i + " " + replica.name() + path, e.toString());
      }
      served.incrementAndGet();
    }
  }
}
