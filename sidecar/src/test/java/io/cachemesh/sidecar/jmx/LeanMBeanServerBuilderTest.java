package io.cachemesh.sidecar.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.ObjectName;
import javax.management.OperationsException;
import javax.management.StandardMBean;
import org.junit.jupiter.api.Test;

class LeanMBeanServerBuilderTest {
  public interface ProbeMBean {
    int getValue();
  }

  public static final class Probe implements ProbeMBean {
    @Override
    public int getValue() {
      return 42;
    }
  }

  private final MBeanServer server = new LeanMBeanServerBuilder().newMBeanServer("test", null, new MBeanServerDelegate());

  @Test
  void theDiagnosticCommandMBeanIsAcknowledgedButNotRegistered() throws Exception {
    ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");

    assertThat(server.registerMBean(new StandardMBean(new Probe(), ProbeMBean.class), name).getObjectName()).isEqualTo(name);
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void everyOtherMBeanIsRegisteredAndServedAsUsual() throws Exception {
    ObjectName name = new ObjectName("org.xnio:type=Xnio,provider=\"nio\"");
    server.registerMBean(new Probe(), name);

    assertThat(server.isRegistered(name)).isTrue();
    assertThat(server.getAttribute(name, "Value")).isEqualTo(42);
    server.unregisterMBean(name);
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  @SuppressWarnings("deprecation")
  void itNeverDeserializes() {
    assertThatThrownBy(() -> server.deserialize("java.lang.String", new byte[] {1}))
        .isInstanceOf(OperationsException.class).hasMessageContaining("does not deserialize");
  }

  @Test
  void installedBeforeThePlatformServerIsBuiltItLeavesOutOnlyTheDiagnosticCommand() throws Exception {
    // In a fresh JVM, as in the process: another test of this JVM may have built the platform server already.
    Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), PlatformServerProbe.class.getName())
        .redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(output).contains("java.lang:type=Runtime=true", "java.lang:type=Memory=true",
        "com.sun.management:type=DiagnosticCommand=false");
  }

  /** Installs the builder, builds the platform server and prints which names it holds. */
  public static final class PlatformServerProbe {
    public static void main(String[] args) throws Exception {
      LeanMBeanServerBuilder.install();
      MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
      for (String name : List.of("java.lang:type=Runtime", "java.lang:type=Memory", "com.sun.management:type=DiagnosticCommand")) {
        System.out.println(name + "=" + platform.isRegistered(new ObjectName(name)));
      }
    }
  }
}
