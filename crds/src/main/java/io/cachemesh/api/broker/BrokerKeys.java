package io.cachemesh.api.broker;

import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.compiled.PolicyId;

/**
 * The Redis keys a policy owns besides its cache entries. All start with the policy's prefix
 * {@code cm:{namespace/name}:}, whose hash tag puts them in one Redis Cluster slot, so a policy's
 * keys can be used together in one multi-key operation and never collide with another policy's.
 */
public final class BrokerKeys {
  /** Streams are trimmed to about this many events; a consumer further behind sees a gap. */
  public static final long STREAM_MAX_LENGTH = 10_000;

  private BrokerKeys() {}

  /** The invalidation stream of the policy (one per policy). */
  public static String events(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "events";
  }

  /**
   * Sorted set of every shared-tier entry of the policy, scored by expiry (epoch millis), each member
   * an {@link #indexMember index member}. What makes "purge everything of this policy" proportional
   * to the policy's entries, never a SCAN. Writers trim members whose score has passed.
   */
  public static String entryIndex(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "entries";
  }

  /** Sorted set of the entry keys carrying a tag, scored by expiry. */
  public static String tagIndex(PolicyId policy, String tag) {
    return PolicyCompiler.keyPrefix(policy) + "tag:" + tag;
  }

  /** Sorted set of the tags in use, scored by the latest expiry of their entries, so purging all can find every tag index. */
  public static String tagRegistry(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "tags";
  }

  /**
   * The member naming an entry in {@link #entryIndex} and {@link #pathIndex}: its request path, a NUL,
   * then its Redis key, so that one sorted set serves both lex ranges over paths and purges.
   */
  public static String indexMember(String path, String entryKey) {
    return path + "\0" + entryKey;
  }

  /** The Redis key named by an {@link #indexMember index member}. */
  public static String entryKeyOf(String indexMember) {
    return indexMember.substring(indexMember.indexOf('\0') + 1);
  }

  /** Prefix of shared-tier entry keys: {@code cm:{ns/name}:e:<keyVersion>:} then the key's hash. */
  public static String entryPrefix(PolicyId policy, int keyVersion) {
    return PolicyCompiler.keyPrefix(policy) + "e:" + keyVersion + ":";
  }

  /**
   * Sorted set, every score 0, of {@code <path>\0<entry key>} for each shared-tier entry, read with
   * ZRANGEBYLEX so that purging a path or a path prefix costs the number of matches. Members are
   * trimmed together with the same members of {@link #entryIndex}.
   */
  public static String pathIndex(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "paths";
  }

  /** The fleet-wide regeneration lock of one entry ({@code keyHash}: hex SHA-256 of the engine key). */
  public static String lock(PolicyId policy, String keyHash) {
    return PolicyCompiler.keyPrefix(policy) + "lock:" + keyHash;
  }

  /**
   * Pub/sub channel on which the replica holding a {@link #lock} announces that it is done (entry
   * written, or given up): the message is the lock's key hash. Waiters on other replicas wake on
   * it instead of polling; a lost message only makes them wait their bound.
   */
  public static String fills(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "fills";
  }

  /** Hash: pod name -> latest heartbeat JSON. */
  public static String heartbeats(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "heartbeats";
  }

  /** Sorted set: pod name -> epoch millis of its latest heartbeat, to expire pods that went away. */
  public static String heartbeatsSeen(PolicyId policy) {
    return PolicyCompiler.keyPrefix(policy) + "heartbeats:seen";
  }
}
