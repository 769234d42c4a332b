package io.cachemesh.sidecar.origin;

import java.io.IOException;
import java.io.InputStream;

/**
 * Decodes a chunked body (RFC 9112 7.1): hex sizes with at most 16 digits, extensions ignored,
 * trailers read and dropped, every line bounded.
 */
public final class ChunkedBody extends BlockInputStream {
  public static final int MAX_TRAILER_BYTES = 16 * 1024;
  private final InputStream in;
  private long chunkRemaining;
  private boolean done;

  ChunkedBody(InputStream in) {
    this.in = in;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (done) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    if (chunkRemaining == 0) {
      chunkRemaining = readChunkSize();
      if (chunkRemaining == 0) {
        readTrailers();
        done = true;
        return -1;
      }
    }
    int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
    if (n < 0) {
      throw new java.io.EOFException("origin closed the connection inside a chunk");
    }
    chunkRemaining -= n;
    if (chunkRemaining == 0) {
      expectCrlf();
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return done ? 0 : (int) Math.min(in.available(), chunkRemaining);
  }

  boolean complete() {
    return done;
  }

  private long readChunkSize() throws IOException {
    HeadReader.LineReader lines = new HeadReader.LineReader(in, HeadReader.MAX_LINE);
    return chunkSize(lines.next(false));
  }

  /** The size a chunk-size line announces: at most 16 hex digits, then an extension or nothing. */
  public static long chunkSize(String line) throws OriginProtocolException {
    int end = 0;
    while (end < line.length() && Character.digit(line.charAt(end), 16) >= 0) {
      end++;
    }
    if (end == 0 || end > 16) {
      throw new OriginProtocolException("bad chunk size line");
    }
    if (end < line.length()) {
      char next = line.charAt(end);
      if (next != ';' && next != ' ' && next != '\t') {
        throw new OriginProtocolException("bad chunk size line");
      }
    }
    long size = Long.parseUnsignedLong(line.substring(0, end), 16);
    if (size < 0) {
      throw new OriginProtocolException("chunk size too large");
    }
    return size;
  }

  private void expectCrlf() throws IOException {
    int cr = in.read();
    int lf = cr == '\n' ? '\n' : in.read();
    if ((cr != '\r' && cr != '\n') || lf != '\n') {
      throw new OriginProtocolException("chunk data not followed by CRLF");
    }
  }

  private void readTrailers() throws IOException {
    HeadReader.LineReader lines = new HeadReader.LineReader(in, MAX_TRAILER_BYTES);
    for (String line = lines.next(false); !line.isEmpty(); line = lines.next(false)) {
      HeadReader.parseField(line);
    }
  }
}
