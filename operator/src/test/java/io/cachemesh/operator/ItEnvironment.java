package io.cachemesh.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What an operator integration test runs against: the mock API server with the CRDs, a real
 * Redis with a broker Secret {@code redis} pointing at it, and (once started) the real operator.
 * Closing it stops all three.
 */
public final class ItEnvironment implements AutoCloseable {
  /**
   * A fresh environment per test, as a {@code @RegisterExtension} field:
   * {@code @RegisterExtension final ItEnvironment.PerTest env = ItEnvironment.perTest(true);}
   */
  public static PerTest perTest(boolean startOperator) {
    return new PerTest(startOperator);
  }

  public static final class PerTest implements BeforeEachCallback, AfterEachCallback {
    private final boolean startOperator;
    private ItEnvironment current;

    private PerTest(boolean startOperator) {
      this.startOperator = startOperator;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
      current = new ItEnvironment();
      if (startOperator) {
        current.startOperator();
      }
    }

    @Override
    public void afterEach(ExtensionContext context) {
      current.close();
    }

    public KubernetesClient client() {
      return current.client();
    }

    public TestRedis redis() {
      return current.redis();
    }

    public RunningOperator startOperator() {
      return current.startOperator();
    }

    public RunningOperator startOperator(OperatorSettings settings) {
      return current.startOperator(settings);
    }

    public RunningOperator operator() {
      return current.operator();
    }

    /** Another broker Secret, e.g. for a Redis Cluster the test started. */
    public void brokerSecret(String name, String url) {
      current.cluster.brokerSecret(name, url);
    }
  }

  public static final String BROKER_SECRET = "redis";
  private final MockCluster cluster = new MockCluster();
  private final TestRedis redis = new TestRedis();
  private RunningOperator operator;

  public ItEnvironment() {
    cluster.brokerSecret(BROKER_SECRET, redis.url());
  }

  public KubernetesClient client() {
    return cluster.client();
  }

  public TestRedis redis() {
    return redis;
  }

  /** Starts the operator, stopping the running one first: a restart. */
  public RunningOperator startOperator() {
    return startOperator(RunningOperator.testSettings());
  }

  public RunningOperator startOperator(OperatorSettings settings) {
    if (operator != null) {
      operator.close();
    }
    operator = RunningOperator.start(cluster.client(), settings);
    return operator;
  }

  public RunningOperator operator() {
    return operator;
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.close();
    }
    redis.close();
    cluster.close();
  }
}
