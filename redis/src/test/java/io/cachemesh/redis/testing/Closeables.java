package io.cachemesh.redis.testing;

import java.util.ArrayList;
import java.util.List;

/** What a test opened, closed in reverse order (with JUnit's {@code @AutoClose} on the field). */
public final class Closeables implements AutoCloseable {
  private final List<AutoCloseable> opened = new ArrayList<>();

  public synchronized <T extends AutoCloseable> T add(T closeable) {
    opened.add(closeable);
    return closeable;
  }

  @Override
  public synchronized void close() throws Exception {
    Exception first = null;
    for (AutoCloseable closeable : opened.reversed()) {
      try {
        closeable.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    opened.clear();
    if (first != null) {
      throw first;
    }
  }
}
