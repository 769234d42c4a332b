package io.cachemesh.operator.broker;

import io.cachemesh.api.broker.BrokerKeys;
import io.cachemesh.api.broker.Heartbeat;
import io.cachemesh.api.broker.InvalidationEvent;
import io.cachemesh.api.broker.MalformedEventException;
import io.cachemesh.api.compiled.PolicyCompiler;
import io.cachemesh.api.compiled.PolicyId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.Tuple;

/**
 * What the operator does on one policy's broker keys ({@link BrokerKeys}). Every method touches
 * only keys under the policy's prefix: no FLUSHDB, no SCAN. The prefix carries the policy's hash
 * tag, so the multi-key UNLINKs stay in one slot of a Redis Cluster.
 */
public final class PolicyBroker {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyBroker.class);
  /** Field of an operator-published event carrying its publish token (readers ignore unknown fields). */
  public static final String TOKEN_FIELD = "id";
  /** How far back a publish looks for its own token before publishing again. */
  public static final int TOKEN_WINDOW = 1000;
  static final int PURGE_BATCH = 500;
  /** How long the stream of a deleted policy is kept, so sidecars still read its final "all". */
  static final long DELETED_STREAM_TTL_SECONDS = 3600;

  private final PolicyId policy;
  private final UnifiedJedis redis;

  public PolicyBroker(PolicyId policy, UnifiedJedis redis) {
    this.policy = policy;
    this.redis = redis;
  }

  /**
   * The heartbeats younger than {@code maxAge}; heartbeats older than {@code pruneAfter} are removed
   * (pods that went away), using the seen-set so the hash never grows without bound.
   */
  public List<Heartbeat> heartbeats(Instant now, Duration maxAge, Duration pruneAfter) throws BrokerUnavailableException {
    try {
      long pruneBefore = now.minus(pruneAfter).toEpochMilli();
      List<String> gone = redis.zrangeByScore(BrokerKeys.heartbeatsSeen(policy), Double.NEGATIVE_INFINITY, pruneBefore);
      if (!gone.isEmpty()) {
        redis.hdel(BrokerKeys.heartbeats(policy), gone.toArray(String[]::new));
        redis.zrem(BrokerKeys.heartbeatsSeen(policy), gone.toArray(String[]::new));
      }
      long freshAfter = now.minus(maxAge).toEpochMilli();
      List<Heartbeat> beats = new ArrayList<>();
      List<String> stale = new ArrayList<>();
      for (var entry : redis.hgetAll(BrokerKeys.heartbeats(policy)).entrySet()) {
        try {
          Heartbeat beat = Heartbeat.parse(entry.getValue());
          if (beat.timeMillis() >= freshAfter) {
            beats.add(beat);
          } else if (beat.timeMillis() < pruneBefore) {
            // Also pruned when its writer never recorded it in the seen-set.
            stale.add(entry.getKey());
          }
        } catch (MalformedEventException e) {
          LOG.debug("event=heartbeat_malformed policy={} pod={} reason=\"{}\"", policy, entry.getKey(), e.getMessage());
        }
      }
      if (!stale.isEmpty()) {
        redis.hdel(BrokerKeys.heartbeats(policy), stale.toArray(String[]::new));
      }
      return beats;
    } catch (JedisException e) {
      throw unavailable("read heartbeats", e);
    }
  }

  /**
   * Publishes the event once per token: when an entry carrying {@code token} is among the stream's
   * last {@link #TOKEN_WINDOW} entries (an earlier attempt got through but its outcome was not
   * recorded), returns that entry's id instead of publishing again.
   */
  public String publishOnce(InvalidationEvent event, String token) throws BrokerUnavailableException {
    try {
      Optional<String> earlier = findByToken(token);
      if (earlier.isPresent()) {
        LOG.info("event=publish_found_earlier policy={} token={} streamId={}", policy, token, earlier.get());
        return earlier.get();
      }
      Map<String, String> fields = new LinkedHashMap<>(event.toFields());
      fields.put(TOKEN_FIELD, token);
      return xadd(fields);
    } catch (JedisException e) {
      throw unavailable("publish", e);
    }
  }

  public Optional<String> findByToken(String token) throws BrokerUnavailableException {
    try {
      for (StreamEntry entry : redis.xrevrange(BrokerKeys.events(policy), "+", "-", TOKEN_WINDOW)) {
        if (token.equals(entry.getFields().get(TOKEN_FIELD))) {
          return Optional.of(entry.getID().toString());
        }
      }
      return Optional.empty();
    } catch (JedisException e) {
      throw unavailable("read the stream", e);
    }
  }

  /**
   * Drops every shared-tier key of the policy, found through its indexes (entry index, then each
   * tag index named in the tag registry), then the indexes and heartbeats themselves, and publishes
   * {@code all} so sidecars drop their memory tier. Idempotent: safe to repeat after a failure.
   *
   * @return the number of keys unlinked
   */
  public long purgeAll(String origin) throws BrokerUnavailableException {
    try {
      long removed = unlinkMembers(BrokerKeys.entryIndex(policy), BrokerKeys::entryKeyOf);
      String cursor = ScanParams.SCAN_POINTER_START;
      do {
        ScanResult<Tuple> page = redis.zscan(BrokerKeys.tagRegistry(policy), cursor, new ScanParams().count(PURGE_BATCH));
        for (Tuple tag : page.getResult()) {
          String index = BrokerKeys.tagIndex(policy, tag.getElement());
          removed += unlinkMembers(index, member -> member);
          redis.unlink(index);
        }
        cursor = page.getCursor();
      } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
      redis.unlink(BrokerKeys.entryIndex(policy), BrokerKeys.pathIndex(policy), BrokerKeys.tagRegistry(policy),
          BrokerKeys.heartbeats(policy), BrokerKeys.heartbeatsSeen(policy));
      InvalidationEvent all = new InvalidationEvent(List.of(), List.of(), List.of(), true, null, origin);
      String id = xadd(all.toFields());
      redis.expire(BrokerKeys.events(policy), DELETED_STREAM_TTL_SECONDS);
      LOG.info("event=policy_purged policy={} keys={} streamId={}", policy, removed, id);
      return removed;
    } catch (JedisException e) {
      throw unavailable("purge", e);
    }
  }

  /**
   * Unlinks the keys an index names, in batches; keys outside the policy's prefix are never touched.
   * Entry and path indexes name entries by {@link BrokerKeys#indexMember}, tag indexes by plain key.
   */
  private long unlinkMembers(String index, java.util.function.UnaryOperator<String> keyOfMember) {
    String prefix = PolicyCompiler.keyPrefix(policy);
    long removed = 0;
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<Tuple> page = redis.zscan(index, cursor, new ScanParams().count(PURGE_BATCH));
      String[] keys = page.getResult().stream()
          .map(Tuple::getElement)
          .map(keyOfMember)
          .filter(k -> k.startsWith(prefix))
          .toArray(String[]::new);
      if (keys.length > 0) {
        removed += redis.unlink(keys);
      }
      cursor = page.getCursor();
    } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    return removed;
  }

  private String xadd(Map<String, String> fields) {
    StreamEntryID id = redis.xadd(BrokerKeys.events(policy),
        XAddParams.xAddParams().maxLen(BrokerKeys.STREAM_MAX_LENGTH).approximateTrimming(), fields);
    return id.toString();
  }

  private BrokerUnavailableException unavailable(String what, JedisException e) {
    return new BrokerUnavailableException("broker of " + policy + " unreachable (" + what + "): " + e.getMessage(), e);
  }
}
