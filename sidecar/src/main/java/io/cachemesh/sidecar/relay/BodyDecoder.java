package io.cachemesh.sidecar.relay;

import io.cachemesh.sidecar.origin.OriginProtocolException;
import io.cachemesh.sidecar.origin.ResponseFraming;
import java.nio.ByteBuffer;

/**
 * Takes an origin response's body apart from its framing, as bytes arrive: each call returns the
 * next piece of payload as a slice of the input (nothing is copied), or null when the input holds
 * no more payload.
 */
sealed interface BodyDecoder permits BodyDecoder.Empty, BodyDecoder.Fixed, BodyDecoder.UntilClose, ChunkedDecoder {

  static BodyDecoder of(ResponseFraming framing) {
    return switch (framing.kind()) {
      case NONE -> new Empty();
      case LENGTH -> new Fixed(framing.contentLength());
      case CHUNKED -> new ChunkedDecoder();
      case UNTIL_CLOSE -> new UntilClose();
    };
  }

  /** The next payload slice of {@code in} (advancing it), or null when {@code in} has none left. */
  ByteBuffer next(ByteBuffer in) throws OriginProtocolException;

  /** Whether the whole body has been seen. */
  boolean complete();

  /** The origin closed the connection: whether that ends the body (else it was cut short). */
  default boolean endsAtClose() {
    return false;
  }

  static ByteBuffer take(ByteBuffer in, long most) {
    int n = (int) Math.min(most, in.remaining());
    ByteBuffer slice = in.slice(in.position(), n);
    in.position(in.position() + n);
    return slice;
  }

  /** 204, 304, and answers to HEAD. */
  final class Empty implements BodyDecoder {
    @Override
    public ByteBuffer next(ByteBuffer in) {
      return null;
    }

    @Override
    public boolean complete() {
      return true;
    }
  }

  /** Content-Length. */
  final class Fixed implements BodyDecoder {
    private long remaining;

    Fixed(long length) {
      this.remaining = length;
    }

    @Override
    public ByteBuffer next(ByteBuffer in) {
      if (remaining == 0 || !in.hasRemaining()) {
        return null;
      }
      ByteBuffer slice = take(in, remaining);
      remaining -= slice.remaining();
      return slice;
    }

    @Override
    public boolean complete() {
      return remaining == 0;
    }
  }

  /** Neither length nor chunks: the body is whatever comes until the origin closes. */
  final class UntilClose implements BodyDecoder {
    @Override
    public ByteBuffer next(ByteBuffer in) {
      return in.hasRemaining() ? take(in, in.remaining()) : null;
    }

    @Override
    public boolean complete() {
      return false;
    }

    @Override
    public boolean endsAtClose() {
      return true;
    }
  }
}
