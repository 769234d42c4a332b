package io.cachemesh.sidecar.jmx;

import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MBeanServerBuilder;
import javax.management.MBeanServerDelegate;

/**
 * Builds the JDK's MBean server, wrapped so that it declines the {@code DiagnosticCommand} MBean.
 * Installed through the JDK's own hook, the {@code javax.management.builder.initial} system property
 * ({@link #install}), before anything asks for the platform MBean server.
 *
 * <p>Why: XNIO registers its MBeans when the IO threads start, which makes the JDK build the
 * platform MBean server, and registering {@code DiagnosticCommand} there builds its description,
 * for which JFR's {@code JFR.start} help parses the JDK's {@code .jfc} XML files: about 150 ms of
 * CPU on the path to ready, for an MBean that only a remote JMX client could call (the sidecar opens
 * no JMX port; {@code jcmd} reaches the same commands through the attach mechanism, unaffected).
 * Every other platform MXBean is registered as usual.
 */
public final class LeanMBeanServerBuilder extends MBeanServerBuilder {
  static final Set<String> DECLINED = Set.of("com.sun.management:type=DiagnosticCommand");

  /** Must run before the first {@code ManagementFactory.getPlatformMBeanServer()}; a later call changes nothing. */
  public static void install() {
    System.setProperty("javax.management.builder.initial", LeanMBeanServerBuilder.class.getName());
  }

  @Override
  public MBeanServer newMBeanServer(String defaultDomain, MBeanServer outer, MBeanServerDelegate delegate) {
    return new DecliningMBeanServer(super.newMBeanServer(defaultDomain, outer, delegate), DECLINED);
  }
}
