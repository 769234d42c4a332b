package io.cachemesh.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A server-side script run by its SHA1 and sent in full only when the server does not have it yet
 * (after a restart, or on another cluster node). Every key it touches is passed in KEYS, all under
 * one hash tag, so it runs unchanged on Redis Cluster.
 */
public final class LuaScript {
  private final byte[] source;
  private final byte[] sha1;

  public LuaScript(String source) {
    this.source = source.getBytes(StandardCharsets.UTF_8);
    try {
      this.sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(this.source))
          .getBytes(StandardCharsets.US_ASCII);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is part of every JDK", e);
    }
  }

  public Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
    try {
      return redis.evalsha(sha1, keys, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(source, keys, args);
    }
  }

  /** A script's integer reply; Lua numbers come back as Long. */
  public long runForLong(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
    Object reply = run(redis, keys, args);
    return reply instanceof Long value ? value : 0L;
  }
}
