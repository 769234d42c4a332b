package io.cachemesh.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cachemesh.api.compiled.ConfigJson;
import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end over real sockets: client, sidecar with the real engine, origin. */
class CachingProxyIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] BIG = new byte[3 << 20];
  private final CountDownLatch releaseSlow = new CountDownLatch(1);
  private TestOrigin origin;
  private SidecarFixture sidecar;

  static {
    Arrays.fill(BIG, (byte) 'x');
  }

  @BeforeEach
  void start() throws Exception {
    origin = new TestOrigin()
        .route("/products/", (ex, body) -> {
          ex.getResponseHeaders().set("Cache-Control", "max-age=60");
          TestOrigin.respond(ex, 200, "text/plain", (ex.getRequestMethod() + " product " + ex.getRequestURI()).getBytes());
        })
        .route("/big", (ex, body) -> {
          ex.getResponseHeaders().set("Cache-Control", "max-age=60");
          TestOrigin.respond(ex, 200, "application/octet-stream", BIG);
        })
        .route("/slow", (ex, body) -> {
          try {
            releaseSlow.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ex.getResponseHeaders().set("Cache-Control", "max-age=60");
          TestOrigin.respond(ex, 200, "text/plain", "slow answer".getBytes());
        });
    sidecar = SidecarFixture.caching(
        SidecarFixture.options(origin.url(), null, SidecarFixture.FAST_TIMEOUTS), SidecarFixture.compile(SidecarFixture.DEV_POLICY));
  }

  @AfterEach
  void stop() {
    releaseSlow.countDown();
    sidecar.close();
    origin.close();
  }

  @Test
  void missThenHitWithCacheStatusAndAge() throws Exception {
    HttpResponse<String> miss = sidecar.get(sidecar.proxy("/products/1"));
    HttpResponse<String> hit = sidecar.get(sidecar.proxy("/products/1"));

    assertThat(miss.headers().firstValue("Cache-Status").orElseThrow()).containsPattern("fwd=(uri-|vary-)?miss");
    assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(hit.headers().firstValue("Age")).isPresent();
    assertThat(hit.body()).isEqualTo(miss.body()).isEqualTo("GET product /products/1");
    assertThat(origin.hits("/products/1")).isEqualTo(1);
  }

  @Test
  void headIsServedFromTheStoredGet() throws Exception {
    sidecar.get(sidecar.proxy("/products/3"));
    HttpResponse<String> head = sidecar.client.send(HttpRequest.newBuilder(sidecar.proxy("/products/3"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    assertThat(origin.hits("/products/3")).isEqualTo(1);
  }

  @Test
  void purgeByTagThroughTheAdminApiDropsTheEntry() throws Exception {
    sidecar.get(sidecar.proxy("/products/7"));
    assertThat(sidecar.get(sidecar.admin("/inspect?url=/products/7&host=127.0.0.1:" + sidecar.sidecar.proxyAddress().getPort()))
        .statusCode()).isEqualTo(200);

    HttpResponse<String> purge = sidecar.post(sidecar.admin("/purge?kind=tag&value=product:7"), "text/plain", "");

    assertThat(JSON.readTree(purge.body()).get("purged").asLong()).isEqualTo(1);
    assertThat(sidecar.get(sidecar.proxy("/products/7")).headers().firstValue("Cache-Status").orElseThrow())
        .containsPattern("fwd=(uri-|vary-)?miss");
    assertThat(origin.hits("/products/7")).isEqualTo(2);
  }

  @Test
  void postPassesItsBodyThroughAndPurgesTheCachedGet() throws Exception {
    sidecar.get(sidecar.proxy("/products/2"));
    assertThat(sidecar.get(sidecar.proxy("/products/2")).headers().firstValue("Cache-Status").orElseThrow()).contains("hit");
    origin.seen.clear();

    HttpResponse<String> post = sidecar.post(sidecar.proxy("/products/2"), "application/json", "{\"price\":3}");

    assertThat(post.body()).isEqualTo("POST product /products/2");
    assertThat(new String(origin.seen.take().body())).isEqualTo("{\"price\":3}");
    HttpResponse<String> after = sidecar.get(sidecar.proxy("/products/2"));
    assertThat(after.headers().firstValue("Cache-Status").orElseThrow()).containsPattern("fwd=(uri-|vary-)?miss");
    assertThat(origin.hits("/products/2")).isEqualTo(3);
  }

  @Test
  void objectLargerThanMaxObjectSizeStreamsThroughUnstored() throws Exception {
    for (int i = 0; i < 2; i++) {
      HttpResponse<byte[]> response = sidecar.client.send(HttpRequest.newBuilder(sidecar.proxy("/big")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.body()).isEqualTo(BIG);
      assertThat(response.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("hit");
    }
    assertThat(origin.hits("/big")).isEqualTo(2);
  }

  @Test
  void concurrentMissesForOneKeyMakeOneOriginRequest() throws Exception {
    int clients = 8;
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      responses.add(CompletableFuture.supplyAsync(() -> {
        try {
          return sidecar.get(sidecar.proxy("/slow"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    SidecarFixture.await("the leader at the origin and every other client waiting", Duration.ofSeconds(5),
        () -> origin.hits("/slow") == 1 && coalescedWaiters() >= clients - 1);
    releaseSlow.countDown();

    for (CompletableFuture<HttpResponse<String>> response : responses) {
      assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo("slow answer");
    }
    assertThat(origin.hits("/slow")).isEqualTo(1);
  }

  @Test
  void reloadedRulesApplyToNewRequests(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, ConfigJson.write(SidecarFixture.compile(SidecarFixture.DEV_POLICY)));
    try (SidecarFixture injected = SidecarFixture.caching(
        SidecarFixture.options(origin.url(), file, SidecarFixture.FAST_TIMEOUTS), null)) {
      injected.get(injected.proxy("/products/9"));
      assertThat(injected.get(injected.proxy("/products/9")).headers().firstValue("Cache-Status").orElseThrow())
          .contains("hit");

      String noCache = SidecarFixture.DEV_POLICY.replace("tags: [\"product:{id}\"]", "cache: false");
      Path tmp = dir.resolve("..tmp");
      Files.writeString(tmp, ConfigJson.write(SidecarFixture.compile(noCache)));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

      SidecarFixture.await("the rule turned off", Duration.ofSeconds(5),
          () -> !injected.sidecar.engine().config().rules().getFirst().cache());
      HttpResponse<String> after = injected.get(injected.proxy("/products/9"));
      assertThat(after.headers().firstValue("Cache-Status").orElseThrow()).doesNotContain("hit");
      assertThat(after.statusCode()).isEqualTo(200);
    }
  }

  private double coalescedWaiters() {
    try {
      Matcher m = Pattern.compile("(?m)^cachemesh_coalesced_waiters_total(\\{[^}]*})? ([0-9.]+)$")
          .matcher(sidecar.get(sidecar.ops("/metrics")).body());
      double total = 0;
      while (m.find()) {
        total += Double.parseDouble(m.group(2));
      }
      return total;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
