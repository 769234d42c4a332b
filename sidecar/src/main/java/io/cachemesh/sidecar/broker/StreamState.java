package io.cachemesh.sidecar.broker;

import io.cachemesh.api.broker.StreamIds;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.KeyValue;

/**
 * What the gap check needs from {@code XINFO STREAM}, read from the raw reply. Jedis's typed
 * {@code xinfoStream} decodes the fields it does not know (Redis 7's {@code max-deleted-entry-id},
 * {@code entries-added}...) by trying builders in turn and catching each failed cast: a
 * ClassCastException with its stack trace per field, a sixth of the consumer's CPU per event in a
 * profile of the fan-out benchmark.
 *
 * @param length entries in the stream now
 * @param lastGeneratedId the last id ever added
 * @param maxDeletedId the highest id deleted with XDEL (Redis 7), or empty
 * @param entriesAdded entries ever added (Redis 7), or empty
 * @param firstId the first remaining entry's id, or empty when the stream is empty
 */
record StreamState(long length, String lastGeneratedId, Optional<String> maxDeletedId, Optional<Long> entriesAdded,
    Optional<String> firstId) {

  /** The stream's state, or empty when the stream does not exist. */
  static Optional<StreamState> read(UnifiedJedis r, String stream) {
    try {
      return Optional.of(parse(r.sendCommand(stream, Protocol.Command.XINFO, "STREAM", stream)));
    } catch (JedisDataException noSuchKey) {
      return Optional.empty();
    }
  }

  /**
   * Parses the reply: field names and values alternating (RESP2), or key-value pairs (RESP3).
   *
   * @throws IllegalArgumentException when a field the check relies on is missing or not what Redis sends
   */
  static StreamState parse(Object reply) {
    if (!(reply instanceof List<?> items)) {
      throw new IllegalArgumentException("XINFO STREAM: a list expected, got " + typeOf(reply));
    }
    Long length = null;
    String lastGenerated = null;
    String maxDeleted = null;
    Long entriesAdded = null;
    String firstId = null;
    boolean pairs = !items.isEmpty() && items.getFirst() instanceof KeyValue<?, ?>;
    int step = pairs ? 1 : 2;
    for (int i = 0; i + step - 1 < items.size(); i += step) {
      Object name = pairs ? ((KeyValue<?, ?>) items.get(i)).getKey() : items.get(i);
      Object value = pairs ? ((KeyValue<?, ?>) items.get(i)).getValue() : items.get(i + 1);
      switch (text(name)) {
        case "length" -> length = number(value);
        case "last-generated-id" -> lastGenerated = id(value);
        case "max-deleted-entry-id" -> maxDeleted = id(value);
        case "entries-added" -> entriesAdded = number(value);
        case "first-entry" -> firstId = value instanceof List<?> entry && !entry.isEmpty() ? id(entry.getFirst()) : null;
        default -> { }
      }
    }
    if (length == null || lastGenerated == null) {
      throw new IllegalArgumentException("XINFO STREAM: length or last-generated-id missing");
    }
    return new StreamState(length, lastGenerated, Optional.ofNullable(maxDeleted), Optional.ofNullable(entriesAdded),
        Optional.ofNullable(firstId));
  }

  private static String text(Object value) {
    return value instanceof byte[] raw ? new String(raw, StandardCharsets.US_ASCII) : String.valueOf(value);
  }

  private static Long number(Object value) {
    return value instanceof Long n ? n : null;
  }

  /** A stream id, or null when the value is none (an unreadable id is treated as absent, as before). */
  private static String id(Object value) {
    if (value == null) {
      return null;
    }
    String text = text(value);
    try {
      StreamIds.compare(text, "0-0");
      return text;
    } catch (IllegalArgumentException notAnId) {
      return null;
    }
  }

  private static String typeOf(Object value) {
    return value == null ? "nothing" : value.getClass().getSimpleName();
  }
}
