package io.cachemesh.sidecar.relay;

import io.cachemesh.sidecar.origin.ChunkedBody;
import io.cachemesh.sidecar.origin.HeadReader;
import io.cachemesh.sidecar.origin.OriginProtocolException;
import java.nio.ByteBuffer;

/**
 * A chunked body (RFC 9112 7.1) decoded as it arrives, as strictly as the blocking client's
 * {@link ChunkedBody}: bounded size lines (a bare LF is accepted, a bare CR is not), CRLF after each
 * chunk's data, trailers parsed and dropped within a bound.
 */
final class ChunkedDecoder implements BodyDecoder {
  private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

  private final StringBuilder line = new StringBuilder(32);
  private State state = State.SIZE;
  private long chunkRemaining;
  private boolean afterCr;
  private int trailerBytes;

  @Override
  public ByteBuffer next(ByteBuffer in) throws OriginProtocolException {
    while (in.hasRemaining()) {
      switch (state) {
        case DATA -> {
          ByteBuffer slice = BodyDecoder.take(in, chunkRemaining);
          chunkRemaining -= slice.remaining();
          if (chunkRemaining == 0) {
            state = State.DATA_END;
          }
          return slice;
        }
        case SIZE -> {
          if (readLine(in, HeadReader.MAX_LINE)) {
            chunkRemaining = ChunkedBody.chunkSize(takeLine());
            state = chunkRemaining == 0 ? State.TRAILER : State.DATA;
          }
        }
        case DATA_END -> {
          if (readLine(in, 0)) {
            takeLine();
            state = State.SIZE;
          }
        }
        case TRAILER -> {
          if (readLine(in, ChunkedBody.MAX_TRAILER_BYTES - trailerBytes)) {
            String field = takeLine();
            trailerBytes += field.length() + 2;
            if (field.isEmpty()) {
              state = State.DONE;
            } else {
              HeadReader.parseField(field);
            }
          }
        }
        case DONE -> {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public boolean complete() {
    return state == State.DONE;
  }

  /** Consumes bytes up to the end of the current line; false when {@code in} ran out first. */
  private boolean readLine(ByteBuffer in, int maxLength) throws OriginProtocolException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (afterCr && b != '\n') {
        throw new OriginProtocolException("bare CR in a chunk line");
      }
      if (b == '\n') {
        afterCr = false;
        return true;
      }
      if (b == '\r') {
        afterCr = true;
        continue;
      }
      if (line.length() >= maxLength) {
        throw new OriginProtocolException(state == State.DATA_END
            ? "chunk data not followed by CRLF" : "chunk line longer than " + maxLength + " bytes");
      }
      line.append((char) (b & 0xff));
    }
    return false;
  }

  private String takeLine() {
    String s = line.toString();
    line.setLength(0);
    return s;
  }
}
