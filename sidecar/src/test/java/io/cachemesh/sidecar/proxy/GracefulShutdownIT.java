package io.cachemesh.sidecar.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachemesh.sidecar.testing.SidecarFixture;
import io.cachemesh.sidecar.testing.TestOrigin;
import java.net.ConnectException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulShutdownIT {
  @Test
  void requestInFlightFinishesAndNewRequestsAreRefused() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (TestOrigin origin = new TestOrigin().route("/slow", (ex, body) -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      TestOrigin.respond(ex, 200, "text/plain", "finished".getBytes());
    })) {
      SidecarFixture sidecar = SidecarFixture.start(
          SidecarFixture.options(origin.url(), null, io.cachemesh.sidecar.origin.UpstreamSettings.DEFAULTS),
          SidecarFixture.compile(SidecarFixture.DEV_POLICY));
      CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return sidecar.get(sidecar.proxy("/slow"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      CompletableFuture<Void> closing = CompletableFuture.runAsync(sidecar::close);
      SidecarFixture.await("new requests refused", Duration.ofSeconds(5), () -> refused(sidecar));
      assertThat(inFlight).isNotDone();
      release.countDown();

      assertThat(inFlight.get(10, TimeUnit.SECONDS).body()).isEqualTo("finished");
      closing.get(10, TimeUnit.SECONDS);
    }
  }

  private static boolean refused(SidecarFixture sidecar) {
    try {
      return sidecar.get(sidecar.proxy("/other")).statusCode() == 503;
    } catch (ConnectException e) {
      return true;
    } catch (Exception e) {
      return e.getCause() instanceof ConnectException;
    }
  }
}
