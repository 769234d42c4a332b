package io.cachemesh.sidecar.origin;

import java.io.IOException;
import java.io.InputStream;

/** Exactly {@code length} bytes of a connection; ending earlier is an error, not a short body. */
final class FixedLengthBody extends BlockInputStream {
  private final InputStream in;
  private long remaining;

  FixedLengthBody(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (remaining == 0) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new java.io.EOFException("origin closed the connection " + remaining + " bytes before the end of the body");
    }
    remaining -= n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  boolean complete() {
    return remaining == 0;
  }
}
