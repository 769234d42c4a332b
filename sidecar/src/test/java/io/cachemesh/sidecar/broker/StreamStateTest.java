package io.cachemesh.sidecar.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.KeyValue;

class StreamStateTest {
  private static byte[] b(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A raw RESP2 reply: names and values alternating, strings as bytes, as Jedis hands them over. */
  private static List<Object> reply(Object... namesAndValues) {
    List<Object> out = new ArrayList<>();
    for (Object o : namesAndValues) {
      out.add(o instanceof String s ? b(s) : o);
    }
    return out;
  }

  private static List<Object> entry(String id) {
    return List.of(b(id), List.of(b("v"), b("1")));
  }

  @Test
  void redis7ReplyGivesEveryFieldTheGapCheckUses() {
    StreamState s = StreamState.parse(reply("length", 2L, "radix-tree-keys", 1L, "radix-tree-nodes", 2L,
        "last-generated-id", "5-0", "max-deleted-entry-id", "3-0", "entries-added", 5L,
        "recorded-first-entry-id", "4-0", "groups", 0L, "first-entry", entry("4-0"), "last-entry", entry("5-0")));

    assertThat(s).isEqualTo(new StreamState(2, "5-0", Optional.of("3-0"), Optional.of(5L), Optional.of("4-0")));
  }

  @Test
  void redis6ReplyHasNoDeletionOrAdditionCounts() {
    StreamState s = StreamState.parse(reply("length", 1L, "last-generated-id", "7-1", "groups", 0L,
        "first-entry", entry("7-1"), "last-entry", entry("7-1")));

    assertThat(s).isEqualTo(new StreamState(1, "7-1", Optional.empty(), Optional.empty(), Optional.of("7-1")));
  }

  @Test
  void emptyStreamHasNoFirstEntry() {
    StreamState s = StreamState.parse(reply("length", 0L, "last-generated-id", "9-0", "max-deleted-entry-id", "0-0",
        "entries-added", 3L, "first-entry", null, "last-entry", null));

    assertThat(s.firstId()).isEmpty();
    assertThat(s.entriesAdded()).contains(3L);
  }

  @Test
  void resp3ReplyOfKeyValuePairsReadsTheSame() {
    List<Object> pairs = List.of(KeyValue.of(b("length"), 2L), KeyValue.of(b("last-generated-id"), b("5-0")),
        KeyValue.of(b("entries-added"), 5L), KeyValue.of(b("first-entry"), entry("4-0")));

    assertThat(StreamState.parse(pairs))
        .isEqualTo(new StreamState(2, "5-0", Optional.empty(), Optional.of(5L), Optional.of("4-0")));
  }

  @Test
  void replyWithoutTheLastGeneratedIdIsRefusedNamingIt() {
    assertThatThrownBy(() -> StreamState.parse(reply("length", 2L, "last-generated-id", "not-an-id")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last-generated-id");
    assertThatThrownBy(() -> StreamState.parse(b("OK")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a list expected");
    assertThatThrownBy(() -> StreamState.parse(Arrays.asList(b("length"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
  }
}
