package io.cachemesh.sidecar.engine;

import io.cachemesh.redis.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-process origin for tests: answers each call with the current script, counts calls, records
 * what it was sent, and can hold calls until released (for coalescing).
 */
public final class ScriptedOrigin implements Origin {
  /** One scripted answer. */
  public interface Script {
    Reply answer(CacheRequest request, HeaderList overrides) throws IOException;
  }

  /** A response to give: status, headers, body; delay is added to the clock between request and response. */
  public record Reply(int status, HeaderList headers, byte[] body, long contentLength) {
    public static Reply of(int status, String body, String... headers) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      return new Reply(status, HeaderList.of(headers), b, b.length);
    }
  }

  /** What the origin was sent. */
  public record Call(CacheRequest request, HeaderList overrides) {
    /** The header as the origin would see it: the override wins; an empty override removes it. */
    public String header(String name) {
      var o = overrides.first(name);
      if (o.isPresent()) {
        return o.get().isEmpty() ? null : o.get();
      }
      return request.headers().first(name).orElse(null);
    }
  }

  private final MutableClock clock;
  private volatile Script script;
  private final AtomicInteger calls = new AtomicInteger();
  private final List<Call> sent = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch gate;
  private final AtomicInteger waitingAtGate = new AtomicInteger();
  private volatile long latencyMillis;

  public ScriptedOrigin(MutableClock clock, Script script) {
    this.clock = clock;
    this.script = script;
  }

  public static ScriptedOrigin replying(MutableClock clock, int status, String body, String... headers) {
    return new ScriptedOrigin(clock, (r, o) -> Reply.of(status, body, headers));
  }

  public void script(Script s) {
    this.script = s;
  }

  public void reply(int status, String body, String... headers) {
    script((r, o) -> Reply.of(status, body, headers));
  }

  public void fail(IOException e) {
    script((r, o) -> {
      throw e;
    });
  }

  /** Calls block until {@link #open()}. */
  public void hold() {
    gate = new CountDownLatch(1);
  }

  public void open() {
    CountDownLatch g = gate;
    gate = null;
    if (g != null) {
      g.countDown();
    }
  }

  public int waitingAtGate() {
    return waitingAtGate.get();
  }

  /** Milliseconds the clock moves between request_time and response_time. */
  public void latency(long millis) {
    this.latencyMillis = millis;
  }

  public int calls() {
    return calls.get();
  }

  public List<Call> sent() {
    return sent;
  }

  public Call last() {
    return sent.getLast();
  }

  @Override
  public OriginResponse send(CacheRequest request, HeaderList overrides) throws IOException {
    calls.incrementAndGet();
    sent.add(new Call(request, overrides));
    CountDownLatch g = gate;
    if (g != null) {
      waitingAtGate.incrementAndGet();
      try {
        if (!g.await(10, TimeUnit.SECONDS)) {
          throw new IOException("test gate never opened");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } finally {
        waitingAtGate.decrementAndGet();
      }
    }
    long requestTime = clock.millis();
    if (latencyMillis > 0) {
      clock.advance(java.time.Duration.ofMillis(latencyMillis));
    }
    Reply reply = script.answer(request, overrides);
    return new OriginResponse(reply.status(), reply.headers(), new ByteArrayInputStream(reply.body()),
        reply.contentLength(), requestTime, clock.millis());
  }
}
