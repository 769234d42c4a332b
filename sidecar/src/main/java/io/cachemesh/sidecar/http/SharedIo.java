package io.cachemesh.sidecar.http;

import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * One set of IO threads and one buffer pool for every listener of the process: three Undertow
 * servers would otherwise start three thread pools and three pools of direct buffers, which costs
 * startup time and resident memory for listeners that see a request a minute.
 */
public final class SharedIo implements AutoCloseable {
  private static final int BUFFER_SIZE = 16 * 1024;
  /**
   * Buffers kept for reuse (2 MiB). Unbounded, the pool kept every buffer a load peak ever needed
   * (33 MiB of direct memory after 200 connections); beyond the bound a buffer is freed with its
   * owner, which the young collections of a small heap do soon.
   */
  private static final int POOLED_BUFFERS = 128;
  private final XnioWorker worker;
  private final ByteBufferPool buffers;

  /** @param ioThreads event loop threads; 0 for one per core */
  public SharedIo(int ioThreads) {
    int threads = ioThreads > 0 ? ioThreads : Math.max(2, Runtime.getRuntime().availableProcessors());
    try {
      // Blocking work runs on virtual threads; the task pool is only Undertow's fallback.
      this.worker = Xnio.getInstance(SharedIo.class.getClassLoader()).createWorker(OptionMap.builder()
          .set(Options.WORKER_IO_THREADS, threads)
          .set(Options.WORKER_TASK_CORE_THREADS, 1)
          .set(Options.WORKER_TASK_MAX_THREADS, 2)
          .set(Options.TCP_NODELAY, true)
          .getMap());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the IO threads: " + e.getMessage(), e);
    }
    // No per-thread cache: blocking writes run on virtual threads, one per request, and a
    // per-thread cache would strand up to four direct buffers in every finished virtual thread
    // until a GC noticed (it filled -XX:MaxDirectMemorySize under pass-through load, then every
    // allocation waited in Bits.reserveMemory for a System.gc and finally failed).
    this.buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, POOLED_BUFFERS, 0);
  }

  public XnioWorker worker() {
    return worker;
  }

  public ByteBufferPool buffers() {
    return buffers;
  }

  @Override
  public void close() {
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    buffers.close();
  }
}
