package io.cachemesh.sidecar.shared;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.compiled.PolicyId;
import io.cachemesh.sidecar.engine.Purge;
import io.cachemesh.redis.LuaScript;
import io.cachemesh.redis.RedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * {@link SharedStore} on Redis (standalone, Sentinel or Cluster). Layout, all under the policy's
 * hash tag {@code cm:{ns/name}:} (see REDIS.md):
 *
 * <ul>
 *   <li>entry: hash {@code e:<keyVersion>:<sha256(key)>} with field {@code e} (the sealed
 *       {@link EntryEnvelope}), {@code t} (epoch millis its request was sent) and, once soft-purged,
 *       {@code s} (epoch millis); PX = the entry's ttl.
 *   <li>{@link BrokerKeys#entryIndex} and {@link BrokerKeys#pathIndex}: member
 *       {@code <path>\0<entry redis key>}, scored by expiry (entries) or 0 (paths, for ZRANGEBYLEX).
 *   <li>{@link BrokerKeys#tagIndex}: entry redis keys scored by expiry; {@link BrokerKeys#tagRegistry}:
 *       tags scored by their latest expiry.
 * </ul>
 *
 * One Lua script writes an entry and all its index members atomically, trims expired members of
 * the indexes it touches, and extends each index key's TTL to its latest member, so an index
 * disappears by itself once everything in it has expired.
 */
public final class RedisSharedStore implements SharedStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisSharedStore.class);
  private static final int BATCH = 256;
  private static final int TRIM_PER_WRITE = 64;
  private static final byte[] FIELD_ENVELOPE = bytes("e");
  private static final byte[] FIELD_SOFT = bytes("s");
  private static final byte[] FIELD_REQUEST_TIME = bytes("t");
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final LuaScript PUT = new LuaScript("""
      local ttl = tonumber(ARGV[2])
      local now = tonumber(ARGV[3])
      local expiry = now + ttl
      local function extend(key)
        local left = redis.call('PTTL', key)
        if left == -1 or (left >= 0 and left < ttl) then redis.call('PEXPIRE', key, ttl) end
      end
      redis.call('DEL', KEYS[1])
      redis.call('HSET', KEYS[1], 'e', ARGV[1], 't', ARGV[6])
      redis.call('PEXPIRE', KEYS[1], ttl)
      local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[5]))
      if #old > 0 then
        redis.call('ZREM', KEYS[2], unpack(old))
        redis.call('ZREM', KEYS[3], unpack(old))
      end
      redis.call('ZADD', KEYS[2], expiry, ARGV[4])
      extend(KEYS[2])
      redis.call('ZADD', KEYS[3], 0, ARGV[4])
      extend(KEYS[3])
      if #KEYS > 4 then
        redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
        for i = 5, #KEYS do
          redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
          redis.call('ZADD', KEYS[i], expiry, KEYS[1])
          extend(KEYS[i])
          redis.call('ZADD', KEYS[4], 'GT', expiry, ARGV[i + 2])
        end
        extend(KEYS[4])
      end
      return 1
      """);

  /**
   * KEYS: entries; ARGV[1]: now, ARGV[2]: the event's time. Marks existing entries stale, keeping
   * their TTL, when their request was sent ({@code t}) before the event, or is unknown.
   */
  private static final LuaScript MARK_STALE = new LuaScript("""
      local n = 0
      local before = tonumber(ARGV[2])
      for i = 1, #KEYS do
        if redis.call('EXISTS', KEYS[i]) == 1 then
          local sent = tonumber(redis.call('HMGET', KEYS[i], 't')[1])
          if sent == nil or sent < before then
            redis.call('HSET', KEYS[i], 's', ARGV[1])
            n = n + 1
          end
        end
      end
      return n
      """);

  /** KEYS[1..ARGV[1]]: indexes to remove ARGV[2..] from; the remaining KEYS: entries to unlink. */
  private static final LuaScript DROP = new LuaScript("""
      local indexes = tonumber(ARGV[1])
      if #ARGV > 1 then
        for i = 1, indexes do
          redis.call('ZREM', KEYS[i], unpack(ARGV, 2))
        end
      end
      if #KEYS > indexes then
        return redis.call('UNLINK', unpack(KEYS, indexes + 1))
      end
      return 0
      """);

  /**
   * KEYS[1]: the lock; ARGV: token, fills channel, key hash. Deletes it if ours and tells the
   * waiters; a refused PUBLISH (an ACL without the channel) still releases: waiters then wait their bound.
   */
  private static final LuaScript UNLOCK = new LuaScript("""
      if redis.call('GET', KEYS[1]) == ARGV[1] then
        redis.call('DEL', KEYS[1])
        redis.pcall('PUBLISH', ARGV[2], ARGV[3])
        return 1
      end
      return 0
      """);

  private final RedisConnection redis;
  private final PolicyId policy;
  private final String entryPrefix;
  private final EntryEnvelope envelope;
  private final Clock clock;
  private final byte[] entryIndex;
  private final byte[] pathIndex;
  private final byte[] tagRegistry;
  private final Map<EntryEnvelope.Rejection, Counter> rejected = new EnumMap<>(EntryEnvelope.Rejection.class);
  private final Map<String, Counter> lookups = new ConcurrentHashMap<>();
  private final Set<EntryEnvelope.Rejection> loggedRejections = ConcurrentHashMap.newKeySet();
  private final MeterRegistry registry;
  private final FillNotifications fills;
  private final byte[] fillsChannel;

  public RedisSharedStore(
      RedisConnection redis, PolicyId policy, int keyVersion, EntryEnvelope envelope, Clock clock, MeterRegistry registry) {
    this(redis, policy, keyVersion, envelope, clock, registry, null);
  }

  /** @param fills the sidecar's subscription to lock releases; null: waiters are never woken early */
  public RedisSharedStore(RedisConnection redis, PolicyId policy, int keyVersion, EntryEnvelope envelope, Clock clock,
      MeterRegistry registry, FillNotifications fills) {
    this.fills = fills;
    this.fillsChannel = bytes(BrokerKeys.fills(policy));
    this.redis = redis;
    this.policy = policy;
    this.entryPrefix = BrokerKeys.entryPrefix(policy, keyVersion);
    this.envelope = envelope;
    this.clock = clock;
    this.registry = registry;
    this.entryIndex = bytes(BrokerKeys.entryIndex(policy));
    this.pathIndex = bytes(BrokerKeys.pathIndex(policy));
    this.tagRegistry = bytes(BrokerKeys.tagRegistry(policy));
    for (EntryEnvelope.Rejection reason : EntryEnvelope.Rejection.values()) {
      rejected.put(reason, Counter.builder("cachemesh.shared.rejected")
          .description("Shared-tier entries refused on read (tampered, truncated, foreign); each was a miss")
          .tag("policy", policy.toString())
          .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
          .register(registry));
    }
  }

  /** The Redis key of an engine key: the policy's entry prefix and the key's SHA-256, never the raw key. */
  public String redisKey(String key) {
    return entryPrefix + HexFormat.of().formatHex(EntryEnvelope.keyHash(key));
  }

  @Override
  public Optional<SharedHit> get(String key) {
    byte[] redisKey = bytes(redisKey(key));
    Optional<List<byte[]>> reply = redis.call("get", r -> r.hmget(redisKey, FIELD_ENVELOPE, FIELD_SOFT, FIELD_REQUEST_TIME));
    if (reply.isEmpty()) {
      count("error");
      return Optional.empty();
    }
    byte[] sealed = reply.get().get(0);
    if (sealed == null) {
      count("miss");
      return Optional.empty();
    }
    return switch (envelope.open(sealed, policy.toString(), key)) {
      case EntryEnvelope.Valid valid -> {
        // An unreadable mark still says someone purged it: stale is the safe reading. An entry without a
        // readable request time (older sidecars) counts as older than anything it is compared with.
        long softPurgedAt = parseMillis(reply.get().get(1), 1);
        long requestTime = parseMillis(reply.get().get(2), 0);
        count(softPurgedAt > 0 ? "stale" : "hit");
        yield Optional.of(new SharedHit(valid.payload(), valid.issuedAtMillis(), softPurgedAt, requestTime));
      }
      case EntryEnvelope.Rejected rejection -> {
        rejected.get(rejection.reason()).increment();
        count("rejected");
        // Once per reason: a flood of bad entries must not become a flood of log lines.
        if (loggedRejections.add(rejection.reason())) {
          LOG.warn("event=shared_entry_rejected policy={} reason={} redisKey={}", policy,
              rejection.reason().name().toLowerCase(java.util.Locale.ROOT), redisKey(key));
        }
        yield Optional.empty();
      }
    };
  }

  @Override
  public boolean put(String key, byte[] payload, long ttlMillis, Set<String> tags, String path) {
    return put(key, payload, ttlMillis, tags, path, clock.millis());
  }

  @Override
  public boolean put(String key, byte[] payload, long ttlMillis, Set<String> tags, String path, long requestTimeMillis) {
    if (ttlMillis <= 0 || path == null || path.indexOf('\0') >= 0) {
      return false;
    }
    long now = clock.millis();
    byte[] sealed;
    try {
      sealed = envelope.seal(policy.toString(), key, now, payload);
    } catch (IllegalArgumentException tooLarge) {
      count("too_large");
      return false;
    }
    String redisKey = redisKey(key);
    List<byte[]> keys = new ArrayList<>(4 + tags.size());
    keys.add(bytes(redisKey));
    keys.add(entryIndex);
    keys.add(pathIndex);
    keys.add(tagRegistry);
    List<byte[]> args = new ArrayList<>(5 + tags.size());
    args.add(sealed);
    args.add(bytes(Long.toString(ttlMillis)));
    args.add(bytes(Long.toString(now)));
    args.add(bytes(BrokerKeys.indexMember(path, redisKey)));
    args.add(bytes(Integer.toString(TRIM_PER_WRITE)));
    args.add(bytes(Long.toString(requestTimeMillis)));
    for (String tag : tags) {
      keys.add(bytes(BrokerKeys.tagIndex(policy, tag)));
      args.add(bytes(tag));
    }
    return redis.call("put", r -> PUT.runForLong(r, keys, args)).orElse(0L) == 1L;
  }

  @Override
  public long purge(Purge purge) {
    long count = 0;
    for (String value : purge.kind() == Purge.Kind.ALL ? List.of("") : purge.values()) {
      Optional<Long> done = switch (purge.kind()) {
        case KEY -> redis.call("purge", r -> purgeEntries(r, List.of(bytes(redisKey(value))), List.of(), List.of(), purge));
        case PATH -> redis.call("purge", r -> purgeLexRange(r, exactPath(value), purge));
        case PREFIX -> redis.call("purge", r -> purgeLexRange(r, pathPrefix(value), purge));
        case TAG -> redis.call("purge", r -> purgeTag(r, value, purge));
        case ALL -> redis.call("purge", r -> purgeAll(r, purge));
      };
      count += done.orElse(0L);
    }
    return count;
  }

  @Override
  public LockAttempt tryLock(String key, long ttlMillis) {
    String lockKey = lockKey(key);
    byte[] raw = new byte[16];
    RANDOM.nextBytes(raw);
    String token = HexFormat.of().formatHex(raw);
    Optional<String> reply = redis.call("lock",
        r -> String.valueOf(r.set(lockKey, token, SetParams.setParams().nx().px(Math.max(1, ttlMillis)))));
    if (reply.isEmpty()) {
      return new LockAttempt.Unavailable();
    }
    return "OK".equals(reply.get()) ? new LockAttempt.Acquired(key, token) : new LockAttempt.Busy();
  }

  @Override
  public boolean unlock(LockAttempt.Acquired attempt) {
    String hash = keyHash(attempt.key());
    List<byte[]> keys = List.of(bytes(BrokerKeys.lock(policy, hash)));
    List<byte[]> args = List.of(bytes(attempt.token()), fillsChannel, bytes(hash));
    return redis.call("unlock", r -> UNLOCK.runForLong(r, keys, args)).orElse(0L) == 1L;
  }

  @Override
  public CompletableFuture<Void> watchFill(String key) {
    return fills == null ? new CompletableFuture<>() : fills.watch(keyHash(key));
  }

  @Override
  public void unwatchFill(String key, CompletableFuture<Void> watch) {
    if (fills != null) {
      fills.unwatch(keyHash(key), watch);
    }
  }

  private String lockKey(String key) {
    return BrokerKeys.lock(policy, keyHash(key));
  }

  private static String keyHash(String key) {
    return HexFormat.of().formatHex(EntryEnvelope.keyHash(key));
  }

  /** Purges members {@code path\0key} of the path index in one lex range, a batch at a time. */
  private long purgeLexRange(UnifiedJedis r, byte[][] range, Purge how) {
    return inBatches(how.soft(), offset -> r.zrangeByLex(pathIndex, range[0], range[1], offset, BATCH),
        members -> purgeIndexed(r, members, how));
  }

  private long purgeTag(UnifiedJedis r, String tag, Purge how) {
    byte[] index = bytes(BrokerKeys.tagIndex(policy, tag));
    boolean[] indexed = {false};
    long count = inBatches(how.soft(), offset -> {
      List<byte[]> members = r.zrange(index, offset, offset + BATCH - 1L);
      indexed[0] |= !members.isEmpty();
      return members;
    }, members -> purgeEntries(r, members, List.of(index), members, how));
    // No index (no zset is ever empty): every replica re-applies every event, so an already purged
    // tag costs one ZRANGE. Its member in the tag registry, if any, leaves by expiry trimming.
    if (!how.soft() && indexed[0]) {
      dropIndexes(r, List.of(index), List.of(tagRegistry), List.of(bytes(tag)));
    }
    return count;
  }

  private long purgeAll(UnifiedJedis r, Purge how) {
    long count = inBatches(how.soft(), offset -> r.zrange(entryIndex, offset, offset + BATCH - 1L),
        members -> purgeIndexed(r, members, how));
    if (!how.soft()) {
      inBatches(false, offset -> r.zrange(tagRegistry, offset, offset + BATCH - 1L), tags -> {
        List<byte[]> indexes = tags.stream()
            .map(t -> bytes(BrokerKeys.tagIndex(policy, new String(t, StandardCharsets.UTF_8))))
            .toList();
        dropIndexes(r, indexes, List.of(tagRegistry), tags);
        return 0;
      });
      r.unlink(entryIndex, pathIndex, tagRegistry);
    }
    return count;
  }

  /**
   * Reads an index a batch at a time ({@code read} takes the offset) and purges each batch. Hard
   * purges remove what they read, so they read from the start again; soft ones read on past it.
   */
  private static long inBatches(boolean soft, IntFunction<List<byte[]>> read, ToLongFunction<List<byte[]>> purge) {
    long count = 0;
    int offset = 0;
    while (true) {
      List<byte[]> members = read.apply(offset);
      if (members.isEmpty()) {
        return count;
      }
      count += purge.applyAsLong(members);
      if (members.size() < BATCH) {
        return count;
      }
      offset += soft ? members.size() : 0;
    }
  }

  /** Purges the entries named by members {@code <path>\0<entry key>} of the entry and path indexes. */
  private long purgeIndexed(UnifiedJedis r, List<byte[]> members, Purge how) {
    List<byte[]> entries = members.stream().map(RedisSharedStore::entryOfMember).toList();
    return purgeEntries(r, entries, List.of(entryIndex, pathIndex), members, how);
  }

  /** Unlinks {@code unlinkKeys} after removing {@code members} from {@code fromIndexes}. */
  private static void dropIndexes(UnifiedJedis r, List<byte[]> unlinkKeys, List<byte[]> fromIndexes, List<byte[]> members) {
    List<byte[]> keys = new ArrayList<>(fromIndexes);
    keys.addAll(unlinkKeys);
    List<byte[]> args = new ArrayList<>(members.size() + 1);
    args.add(bytes(Integer.toString(fromIndexes.size())));
    args.addAll(members);
    DROP.runForLong(r, keys, args);
  }

  /**
   * Hard: unlinks {@code entries} and removes {@code members} from {@code indexes}, atomically.
   * Soft: marks the entries stale (those requested before the purge's event time) and leaves the indexes.
   */
  private long purgeEntries(UnifiedJedis r, List<byte[]> entries, List<byte[]> indexes, List<byte[]> members, Purge how) {
    if (how.soft()) {
      return MARK_STALE.runForLong(r, entries,
          List.of(bytes(Long.toString(clock.millis())), bytes(Long.toString(how.eventTimeMillis()))));
    }
    List<byte[]> keys = new ArrayList<>(indexes);
    keys.addAll(entries);
    List<byte[]> args = new ArrayList<>(members.size() + 1);
    args.add(bytes(Integer.toString(indexes.size())));
    args.addAll(members);
    return DROP.runForLong(r, keys, args);
  }

  private static byte[][] exactPath(String path) {
    byte[] p = bytes(path);
    return new byte[][] {concat((byte) '[', p, (byte) 0), concat((byte) '(', p, (byte) 1)};
  }

  /** Every member starting with the prefix: [prefix .. (prefix\xff (0xff never occurs in UTF-8). */
  private static byte[][] pathPrefix(String prefix) {
    byte[] p = bytes(prefix);
    return new byte[][] {concat((byte) '[', p, null), concat((byte) '(', p, (byte) 0xff)};
  }

  private static byte[] concat(byte head, byte[] body, Byte tail) {
    byte[] out = new byte[body.length + 1 + (tail == null ? 0 : 1)];
    out[0] = head;
    System.arraycopy(body, 0, out, 1, body.length);
    if (tail != null) {
      out[out.length - 1] = tail;
    }
    return out;
  }

  private static byte[] entryOfMember(byte[] member) {
    int nul = -1;
    for (int i = member.length - 1; i >= 0; i--) {
      if (member[i] == 0) {
        nul = i;
        break;
      }
    }
    return Arrays.copyOfRange(member, nul + 1, member.length);
  }

  /** Epoch millis in a hash field; 0 when absent, {@code unreadable} when it is not a number. */
  private static long parseMillis(byte[] text, long unreadable) {
    if (text == null) {
      return 0;
    }
    try {
      return Long.parseLong(new String(text, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return unreadable;
    }
  }

  private void count(String result) {
    lookups.computeIfAbsent(result, r -> Counter.builder("cachemesh.shared.operations")
        .description("Shared-tier reads and writes by result")
        .tag("policy", policy.toString())
        .tag("result", r)
        .register(registry)).increment();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
