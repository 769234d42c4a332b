package io.cachemesh.sidecar.relay;

import io.cachemesh.sidecar.engine.CacheResponse;
import io.cachemesh.sidecar.engine.HeaderList;
import io.cachemesh.sidecar.engine.RelayPlan;
import io.cachemesh.sidecar.origin.Forwarding;
import io.cachemesh.sidecar.origin.HeadReader;
import io.cachemesh.sidecar.origin.OriginProtocolException;
import io.cachemesh.sidecar.origin.OriginTimeoutException;
import io.cachemesh.sidecar.origin.RequestHead;
import io.cachemesh.sidecar.origin.ResponseFraming;
import io.cachemesh.sidecar.origin.ResponseHead;
import io.cachemesh.sidecar.origin.UpstreamMetrics.ErrorKind;
import io.cachemesh.sidecar.origin.UpstreamRequest;
import io.cachemesh.sidecar.proxy.ResponseWriter;
import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.HttpServerExchange;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListeners;
import org.xnio.IoFuture;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One request relayed on its IO thread: connect (or take an idle connection), write the request
 * head, read the response head, hand it to the {@link RelayPlan}, then move the body from the
 * origin to the client a buffer at a time. Every step is a listener on the same thread, so no
 * field needs a lock.
 *
 * <p>Back-pressure: while the client cannot take more, the origin is not read; while the origin
 * has nothing, what was written is flushed to the client. Failures before the response head become
 * the plan's 502/504 (a reused connection that fails before any response byte is replaced once:
 * the origin closed it as we took it); after it, both connections are closed so the client sees a
 * truncated message rather than a wrong one.
 */
final class RelayedExchange {
  private static final Logger LOG = LoggerFactory.getLogger(RelayedExchange.class);
  private static final OptionMap CONNECTION_OPTIONS = OptionMap.create(Options.TCP_NODELAY, true);

  private final OriginRelay relay;
  private final HttpServerExchange exchange;
  private final UpstreamRequest request;
  private final RelayPlan plan;
  private final XnioIoThread thread;
  private ByteBuffer requestHead;
  private PooledByteBuffer pooled;
  /** Response bytes: filled (write mode) until the head is complete, then read from (read mode). */
  private ByteBuffer in;
  private int scanned;
  private StreamConnection origin;
  private boolean reused;
  private boolean retried;
  private boolean anyResponseByte;
  private boolean finished;
  private XnioExecutor.Key timer;
  private long startNanos;
  private long lastProgressNanos;
  private BodyDecoder decoder;
  private boolean reusable;
  private ByteBuffer pending;
  private StreamSinkChannel client;

  RelayedExchange(OriginRelay relay, HttpServerExchange exchange, UpstreamRequest request, RelayPlan plan) {
    this.relay = relay;
    this.exchange = exchange;
    this.request = request;
    this.plan = plan;
    this.thread = exchange.getIoThread();
  }

  void start() {
    guarded(() -> {
      startNanos = System.nanoTime();
      keepClientReadInterest();
      try {
        requestHead = ByteBuffer.wrap(RequestHead.encode(request));
      } catch (OriginProtocolException e) {
        failBeforeHead(e, ErrorKind.PROTOCOL);
        return;
      }
      pooled = exchange.getConnection().getByteBufferPool().allocate();
      in = pooled.getBuffer().clear();
      timer = thread.executeAfter(() -> guarded(this::responseTimedOut),
          relay.settings().responseTimeout().toMillis(), TimeUnit.MILLISECONDS);
      StreamConnection idle = relay.idle(thread).take(startNanos);
      if (idle != null) {
        use(idle, true);
      } else {
        connect();
      }
    });
  }

  /**
   * Undertow suspends the client connection's reads while an exchange runs and resumes them when it
   * ends; for a relay, which always spans a selector pass, that is an {@code epoll_ctl} DEL and ADD
   * per request. The interest stays instead, with a listener that suspends reads only if the client
   * does send something before the response is done (a pipelined request or its close): those bytes
   * are Undertow's to read once this exchange ends.
   */
  private void keepClientReadInterest() {
    if (exchange.getConnection() instanceof AbstractServerConnection connection) {
      ConduitStreamSourceChannel source = connection.getChannel().getSourceChannel();
      source.getReadSetter().set(ConduitStreamSourceChannel::suspendReads);
      source.resumeReads();
    }
  }

  // ---------------------------------------------------------------- connect and send

  private void connect() {
    InetSocketAddress target = new InetSocketAddress(relay.address().host(), relay.address().port());
    if (target.isUnresolved()) {
      failBeforeHead(new ConnectException("cannot resolve origin host " + relay.address().host()), ErrorKind.CONNECT);
      return;
    }
    IoFuture<StreamConnection> future = thread.openStreamConnection(target, ChannelListeners.nullChannelListener(), CONNECTION_OPTIONS);
    XnioExecutor.Key connectTimer = thread.executeAfter(future::cancel,
        relay.settings().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    future.addNotifier((done, ignored) -> {
      connectTimer.remove();
      if (Thread.currentThread() == thread) {
        guarded(() -> connected(done));
      } else {
        thread.execute(() -> guarded(() -> connected(done)));
      }
    }, null);
  }

  private void connected(IoFuture<? extends StreamConnection> future) {
    switch (future.getStatus()) {
      case DONE -> {
        StreamConnection connection;
        try {
          connection = future.get();
        } catch (IOException e) {
          failBeforeHead(connectFailure(e), ErrorKind.CONNECT);
          return;
        }
        if (finished) {
          IoUtils.safeClose(connection);
        } else {
          use(connection, false);
        }
      }
      case FAILED -> failBeforeHead(connectFailure(future.getException()), ErrorKind.CONNECT);
      case CANCELLED -> failBeforeHead(new OriginTimeoutException("cannot connect to origin " + relay.address()
          + " within " + relay.settings().connectTimeout().toMillis() + "ms"), ErrorKind.CONNECT);
      default -> throw new IllegalStateException("connect notified while " + future.getStatus());
    }
  }

  private ConnectException connectFailure(IOException cause) {
    ConnectException out = new ConnectException("cannot connect to origin " + relay.address() + ": " + cause.getMessage());
    out.initCause(cause);
    return out;
  }

  private void use(StreamConnection connection, boolean fromPool) {
    origin = connection;
    reused = fromPool;
    requestHead.rewind();
    connection.getSinkChannel().getWriteSetter().set(channel -> guarded(this::writeRequest));
    connection.getSourceChannel().getReadSetter().set(channel -> guarded(this::readHead));
    writeRequest();
  }

  private void writeRequest() {
    if (finished) {
      return;
    }
    var sink = origin.getSinkChannel();
    try {
      while (requestHead.hasRemaining()) {
        if (sink.write(requestHead) == 0) {
          sink.resumeWrites();
          return;
        }
      }
      if (!sink.flush()) {
        sink.resumeWrites();
        return;
      }
    } catch (IOException e) {
      originFailedBeforeHead(e);
      return;
    }
    sink.suspendWrites();
    origin.getSourceChannel().resumeReads();
  }

  // ---------------------------------------------------------------- response head

  private void readHead() {
    while (!finished) {
      int end = headEnd();
      if (end >= 0) {
        if (headArrived(end)) {
          return;
        }
        continue;
      }
      if (!in.hasRemaining() && !grow()) {
        return;
      }
      int n;
      try {
        n = origin.getSourceChannel().read(in);
      } catch (IOException e) {
        originFailedBeforeHead(e);
        return;
      }
      if (n == 0) {
        return;
      }
      if (n < 0) {
        originFailedBeforeHead(anyResponseByte
            ? new OriginProtocolException("response head ends before its blank line")
            : new EOFException("origin closed the connection before sending a response"));
        return;
      }
      anyResponseByte = true;
    }
  }

  /** The index just past the blank line that ends the head, or -1; a line ends in LF, optionally after CR. */
  private int headEnd() {
    int limit = in.position();
    for (int i = Math.max(scanned, 1); i < limit; i++) {
      if (in.get(i) == '\n' && (in.get(i - 1) == '\n' || (i >= 2 && in.get(i - 1) == '\r' && in.get(i - 2) == '\n'))) {
        return i + 1;
      }
    }
    scanned = Math.max(0, limit - 2);
    return -1;
  }

  /** Room for a longer head, up to {@link HeadReader#MAX_HEAD}; false (and failed) beyond it. */
  private boolean grow() {
    if (in.capacity() >= HeadReader.MAX_HEAD) {
      originFailedBeforeHead(new OriginProtocolException("response head larger than " + HeadReader.MAX_HEAD + " bytes"));
      return false;
    }
    ByteBuffer larger = ByteBuffer.allocate(HeadReader.MAX_HEAD);
    in.flip();
    larger.put(in);
    in = larger;
    return true;
  }

  /** @return whether the final head was handled (false: an interim 1xx was skipped) */
  private boolean headArrived(int end) {
    byte[] bytes = new byte[end];
    in.get(0, bytes);
    ResponseHead head;
    ResponseFraming framing;
    try {
      head = HeadReader.parse(bytes, end);
      if (head.status() == 101) {
        throw new OriginProtocolException("origin switched protocols without being asked to");
      }
      if (head.status() < 200) {
        in.flip().position(end);
        in.compact();
        scanned = 0;
        return false;
      }
      framing = ResponseFraming.of(request.method(), head);
    } catch (IOException e) {
      originFailedBeforeHead(e instanceof OriginProtocolException ? e : new OriginProtocolException(e.getMessage()));
      return true;
    }
    timer.remove();
    relay.metrics().response(head.status(), System.nanoTime() - startNanos);
    decoder = BodyDecoder.of(framing);
    reusable = framing.reusable();
    in.flip().position(end);
    HeaderList fields = plan.respond(head.status(), Forwarding.responseFields(head.headers()),
        framing.contentLength(), relay.clock().millis());
    ResponseWriter.head(exchange, new CacheResponse(head.status(), fields, null, null, null), -1);
    client = exchange.getResponseChannel();
    client.getWriteSetter().set(channel -> {
      channel.suspendWrites();
      guarded(this::pump);
    });
    origin.getSourceChannel().getReadSetter().set(channel -> guarded(this::pump));
    lastProgressNanos = System.nanoTime();
    armReadTimer(relay.settings().readTimeout().toNanos());
    pump();
    return true;
  }

  // ---------------------------------------------------------------- body

  private void pump() {
    ConduitStreamSourceChannel source = origin.getSourceChannel();
    while (!finished) {
      if (pending != null && pending.hasRemaining()) {
        try {
          client.write(pending);
        } catch (IOException e) {
          clientGone(e);
          return;
        }
        if (pending.hasRemaining()) {
          source.suspendReads();
          client.resumeWrites();
          return;
        }
        lastProgressNanos = System.nanoTime();
      }
      try {
        pending = decoder.next(in);
      } catch (OriginProtocolException e) {
        failAfterHead(e, ErrorKind.PROTOCOL);
        return;
      }
      if (pending != null) {
        continue;
      }
      if (decoder.complete()) {
        finish(in.hasRemaining());
        return;
      }
      in.clear();
      int n;
      try {
        n = source.read(in);
      } catch (IOException e) {
        failAfterHead(e, ErrorKind.RESET);
        return;
      } finally {
        in.flip();
      }
      if (n > 0) {
        lastProgressNanos = System.nanoTime();
        continue;
      }
      if (n < 0) {
        if (decoder.endsAtClose()) {
          reusable = false;
          finish(false);
        } else {
          failAfterHead(new EOFException("origin closed the connection inside the body"), ErrorKind.RESET);
        }
        return;
      }
      // The origin has nothing more yet: what the client was sent so far must not wait for it.
      try {
        if (!client.flush()) {
          client.resumeWrites();
        }
      } catch (IOException e) {
        clientGone(e);
        return;
      }
      source.resumeReads();
      return;
    }
  }

  private void armReadTimer(long inNanos) {
    timer = thread.executeAfter(() -> guarded(this::readTimerFired), inNanos, TimeUnit.NANOSECONDS);
  }

  private void readTimerFired() {
    if (finished) {
      return;
    }
    long limit = relay.settings().readTimeout().toNanos();
    long silent = System.nanoTime() - lastProgressNanos;
    if (silent >= limit) {
      failAfterHead(new OriginTimeoutException("origin sent no body bytes within the read timeout"), ErrorKind.TIMEOUT);
    } else {
      armReadTimer(limit - silent);
    }
  }

  // ---------------------------------------------------------------- endings

  private void finish(boolean surplus) {
    finished = true;
    timer.remove();
    if (reusable && !surplus) {
      origin.getSourceChannel().resumeReads();
      relay.idle(thread).release(origin, System.nanoTime());
    } else {
      IoUtils.safeClose(origin);
    }
    releaseBuffer();
    exchange.endExchange();
  }

  private void responseTimedOut() {
    if (!finished && decoder == null) {
      failBeforeHead(new OriginTimeoutException("origin " + relay.address() + " sent no response within "
          + relay.settings().responseTimeout().toMillis() + "ms"), ErrorKind.TIMEOUT);
    }
  }

  private void originFailedBeforeHead(IOException e) {
    IoUtils.safeClose(origin);
    if (reused && !anyResponseByte && !retried && !finished) {
      retried = true;
      reused = false;
      in.clear();
      scanned = 0;
      connect();
      return;
    }
    ErrorKind kind = e instanceof OriginProtocolException ? ErrorKind.PROTOCOL
        : e instanceof OriginTimeoutException ? ErrorKind.TIMEOUT : ErrorKind.RESET;
    failBeforeHead(e instanceof OriginProtocolException || e instanceof EOFException ? e
        : new IOException("origin " + relay.address() + " reset the connection: " + e.getMessage(), e), kind);
  }

  private void failBeforeHead(IOException e, ErrorKind kind) {
    if (finished) {
      return;
    }
    finished = true;
    if (timer != null) {
      timer.remove();
    }
    IoUtils.safeClose(origin);
    releaseBuffer();
    relay.metrics().error(kind);
    ResponseWriter.writeFromIoThread(exchange, plan.failed(e));
  }

  private void failAfterHead(IOException e, ErrorKind kind) {
    relay.metrics().error(kind);
    LOG.debug("event=response_aborted path={} reason=\"{}\"", exchange.getRequestPath(), e.getMessage());
    abandon();
  }

  private void clientGone(IOException e) {
    LOG.debug("event=client_gone path={} reason=\"{}\"", exchange.getRequestPath(), e.getMessage());
    abandon();
  }

  /** Mid-response, nothing honest can be sent any more: both connections close. */
  private void abandon() {
    finished = true;
    if (timer != null) {
      timer.remove();
    }
    IoUtils.safeClose(origin);
    releaseBuffer();
    IoUtils.safeClose(exchange.getConnection());
  }

  private void releaseBuffer() {
    if (pooled != null) {
      pooled.close();
      pooled = null;
    }
  }

  /** A bug must not leave the client waiting: it gets a 500 if nothing was sent yet, else a cut connection. */
  private void guarded(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.error("event=relay_failure path={}", exchange.getRequestPath(), e);
      boolean started = exchange.isResponseStarted() || client != null;
      if (!finished && !started) {
        finished = true;
        IoUtils.safeClose(origin);
        releaseBuffer();
        exchange.setStatusCode(500);
        exchange.endExchange();
      } else if (!finished) {
        abandon();
      }
    }
  }
}
