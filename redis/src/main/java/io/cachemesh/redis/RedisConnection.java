package io.cachemesh.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One Redis endpoint behind a circuit breaker: the only way the request path talks to Redis. A call
 * either returns its result or {@link Optional#empty()}; it never throws and never waits longer
 * than the configured timeouts. The client is created on first use (cluster and sentinel clients
 * must reach a node to start), so a sidecar starts and serves while Redis is down.
 *
 * <p>Errors are counted in {@code cachemesh_redis_errors_total{op}}; a call refused by the open
 * breaker is counted with {@code op="<op>",reason="circuit_open"}.
 */
public final class RedisConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisConnection.class);

  private final RedisEndpoint endpoint;
  private final RedisSettings settings;
  private final CircuitBreaker breaker;
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> errors = new ConcurrentHashMap<>();
  private final java.util.Set<String> loggedRefusals = ConcurrentHashMap.newKeySet();
  private final Function<RedisEndpoint, UnifiedJedis> factory;
  private volatile UnifiedJedis client;
  private volatile boolean closed;

  public RedisConnection(RedisEndpoint endpoint, RedisSettings settings, Clock clock, MeterRegistry registry) {
    this(endpoint, settings, CircuitBreaker.withDefaults(endpoint.toString(), clock, registry), registry,
        e -> RedisClients.create(e, settings));
  }

  public RedisConnection(
      RedisEndpoint endpoint, RedisSettings settings, CircuitBreaker breaker, MeterRegistry registry,
      Function<RedisEndpoint, UnifiedJedis> factory) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.breaker = breaker;
    this.registry = registry;
    this.factory = factory;
  }

  /**
   * Runs {@code command} unless the breaker is open.
   *
   * @param op a low-cardinality name for metrics ({@code get}, {@code put}, {@code purge}, {@code xadd})
   * @return the command's result, or empty when Redis failed, timed out or the breaker is open
   */
  public <T> Optional<T> call(String op, Function<UnifiedJedis, T> command) {
    if (closed || !breaker.tryAcquire()) {
      errorCounter(op, "circuit_open").increment();
      return Optional.empty();
    }
    try {
      T result = command.apply(client());
      breaker.onSuccess();
      return Optional.ofNullable(result);
    } catch (JedisDataException e) {
      // Redis answered: it is up, the command was refused (ACL, wrong type, script error).
      breaker.onSuccess();
      errorCounter(op, "refused").increment();
      if (loggedRefusals.add(op)) {
        LOG.warn("event=redis_command_refused op={} error=\"{}\" note=\"logged once per op\"", op, e.getMessage());
      }
      return Optional.empty();
    } catch (JedisException e) {
      boolean timeout = isTimeout(e);
      breaker.onFailure(timeout);
      errorCounter(op, timeout ? "timeout" : "connection").increment();
      return Optional.empty();
    } catch (RuntimeException e) {
      breaker.onFailure(false);
      errorCounter(op, "client").increment();
      LOG.warn("event=redis_client_error op={} error=\"{}\"", op, e.toString());
      return Optional.empty();
    }
  }

  /** The client for long-running loops (the stream consumer) that handle failures themselves. */
  public synchronized UnifiedJedis client() {
    UnifiedJedis current = client;
    if (current == null) {
      if (closed) {
        throw new IllegalStateException("redis connection is closed");
      }
      current = factory.apply(endpoint);
      client = current;
    }
    return current;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public RedisEndpoint endpoint() {
    return endpoint;
  }

  public RedisSettings settings() {
    return settings;
  }

  public MeterRegistry registry() {
    return registry;
  }

  static boolean isTimeout(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private Counter errorCounter(String op, String reason) {
    return errors.computeIfAbsent(op + "\u0000" + reason, k -> Counter.builder("cachemesh.redis.errors")
        .description("Redis calls that returned nothing to the caller, by operation and reason")
        .tag("op", op)
        .tag("reason", reason)
        .register(registry));
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
