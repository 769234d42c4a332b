package io.cachemesh.sidecar.cache;

import io.cachemesh.sidecar.engine.Header;
import io.cachemesh.sidecar.engine.HeaderList;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of a {@link StoredResponse}: what the shared tier stores (and authenticates with
 * an HMAC around these bytes). Never Java serialization.
 *
 * <p>Format version 1, big-endian:
 * <pre>
 *   magic "CMEN" (4 bytes), version u16 (=1)
 *   key, primaryKey, path, rule: string
 *   status u16
 *   requestTime, responseTime, correctedInitialAge, freshness, staleWhileRevalidate, staleIfError,
 *   softPurgedAt: i64 each (milliseconds)
 *   flags u8 (bit 0 mustRevalidate, bit 1 noCache)
 *   headerCount u16, then per header: name string, value string
 *   tagCount u16, then tag strings
 *   varyCount u16, then vary name strings
 *   bodyLength i32, body bytes
 * string = u16 length + UTF-8 bytes
 * </pre>
 * Every length is checked against its limit and against the bytes left before anything is
 * allocated, so garbage or a truncated value fails fast with an {@link IOException} naming the
 * field, never an OOM or a hang. A new field means a new version; old versions are refused.
 */
public final class EntryCodec {
  public static final int MAGIC = 0x434d454e; // "CMEN"
  public static final int VERSION = 1;
  public static final int MAX_HEADERS = 256;
  public static final int MAX_STRING_BYTES = 16 * 1024;
  public static final int MAX_TAGS = 1024;
  public static final int MAX_VARY = 32;
  public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

  private EntryCodec() {}

  public static byte[] encode(StoredResponse e) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(e.body().length + 512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeShort(VERSION);
      writeString(out, e.key(), "key");
      writeString(out, e.primaryKey(), "primaryKey");
      writeString(out, e.path(), "path");
      writeString(out, e.rule(), "rule");
      out.writeShort(e.status());
      out.writeLong(e.requestTimeMillis());
      out.writeLong(e.responseTimeMillis());
      out.writeLong(e.correctedInitialAgeMillis());
      out.writeLong(e.freshnessMillis());
      out.writeLong(e.staleWhileRevalidateMillis());
      out.writeLong(e.staleIfErrorMillis());
      out.writeLong(e.softPurgedAtMillis());
      out.writeByte((e.mustRevalidate() ? 1 : 0) | (e.noCache() ? 2 : 0));
      writeCount(out, e.headers().fields().size(), MAX_HEADERS, "headers");
      for (Header h : e.headers().fields()) {
        writeString(out, h.name(), "header name");
        writeString(out, h.value(), "header value");
      }
      writeStrings(out, e.tags(), MAX_TAGS, "tags");
      writeStrings(out, e.varyNames(), MAX_VARY, "vary");
      if (e.body().length > MAX_BODY_BYTES) {
        throw new IllegalArgumentException("body: " + e.body().length + " bytes exceeds " + MAX_BODY_BYTES);
      }
      out.writeInt(e.body().length);
      out.write(e.body());
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /** @throws IOException naming the field when the bytes are not a valid entry of a known version */
  public static StoredResponse decode(byte[] bytes) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      if (in.remaining() < 6 || in.getInt() != MAGIC) {
        throw new IOException("entry: bad magic, not a cachemesh entry");
      }
      int version = Short.toUnsignedInt(in.getShort());
      if (version != VERSION) {
        throw new IOException("entry: unsupported format version " + version + " (expected " + VERSION + ")");
      }
      String key = readString(in, "key");
      String primaryKey = readString(in, "primaryKey");
      String path = readString(in, "path");
      String rule = readString(in, "rule");
      int status = Short.toUnsignedInt(in.getShort());
      if (status < 100 || status > 599) {
        throw new IOException("status: " + status + " is not an HTTP status");
      }
      long requestTime = in.getLong();
      long responseTime = in.getLong();
      long initialAge = in.getLong();
      long freshness = in.getLong();
      long swr = in.getLong();
      long sie = in.getLong();
      long softPurgedAt = in.getLong();
      int flags = Byte.toUnsignedInt(in.get());
      if ((flags & ~3) != 0) {
        throw new IOException("flags: unknown bits " + Integer.toBinaryString(flags));
      }
      int headerCount = readCount(in, MAX_HEADERS, "headers");
      List<Header> headers = new ArrayList<>(headerCount);
      for (int i = 0; i < headerCount; i++) {
        headers.add(new Header(readString(in, "header name"), readString(in, "header value")));
      }
      List<String> tags = readStrings(in, MAX_TAGS, "tags");
      List<String> vary = readStrings(in, MAX_VARY, "vary");
      int bodyLength = in.getInt();
      if (bodyLength < 0 || bodyLength > MAX_BODY_BYTES) {
        throw new IOException("body: length " + bodyLength + " out of range 0.." + MAX_BODY_BYTES);
      }
      if (bodyLength != in.remaining()) {
        throw new IOException("body: length " + bodyLength + " but " + in.remaining() + " bytes follow");
      }
      byte[] body = new byte[bodyLength];
      in.get(body);
      return new StoredResponse(key, primaryKey, path, rule, status, new HeaderList(headers), body, requestTime,
          responseTime, initialAge, freshness, swr, sie, (flags & 1) != 0, (flags & 2) != 0, tags, vary,
          softPurgedAt);
    } catch (BufferUnderflowException e) {
      throw new IOException("entry: truncated at byte " + in.position() + " of " + bytes.length);
    }
  }

  private static void writeCount(DataOutputStream out, int count, int max, String field) throws IOException {
    if (count > max) {
      throw new IllegalArgumentException(field + ": " + count + " exceeds " + max);
    }
    out.writeShort(count);
  }

  private static void writeStrings(DataOutputStream out, List<String> values, int max, String field) throws IOException {
    writeCount(out, values.size(), max, field);
    for (String v : values) {
      writeString(out, v, field);
    }
  }

  private static void writeString(DataOutputStream out, String s, String field) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException(field + ": " + b.length + " bytes exceeds " + MAX_STRING_BYTES);
    }
    out.writeShort(b.length);
    out.write(b);
  }

  private static int readCount(ByteBuffer in, int max, String field) throws IOException {
    int count = Short.toUnsignedInt(in.getShort());
    if (count > max) {
      throw new IOException(field + ": count " + count + " exceeds " + max);
    }
    return count;
  }

  private static List<String> readStrings(ByteBuffer in, int max, String field) throws IOException {
    int count = readCount(in, max, field);
    List<String> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(readString(in, field));
    }
    return List.copyOf(out);
  }

  private static String readString(ByteBuffer in, String field) throws IOException {
    int length = Short.toUnsignedInt(in.getShort());
    if (length > MAX_STRING_BYTES) {
      throw new IOException(field + ": length " + length + " exceeds " + MAX_STRING_BYTES);
    }
    if (length > in.remaining()) {
      throw new IOException(field + ": length " + length + " but only " + in.remaining() + " bytes left");
    }
    ByteBuffer slice = in.slice(in.position(), length);
    in.position(in.position() + length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new IOException(field + ": not valid UTF-8");
    }
  }
}
