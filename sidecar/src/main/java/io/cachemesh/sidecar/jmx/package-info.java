/** The process's platform MBean server, built without the parts that only cost start-up time. */
package io.cachemesh.sidecar.jmx;
