package io.latentforge;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points of a run where a fault drill can stop the JVM dead, as {@code kill -9} would, but at
 * an exact moment rather than after a guessed sleep: with {@code -Dlatentforge.fault.halt-at=POINT}
 * the JVM halts (exit 137, no shutdown hooks, no finally blocks) when it reaches POINT. Unset, it
 * costs one property read.
 */
public final class FaultHook {

  public static final String PROPERTY = "latentforge.fault.halt-at";
  private static final Logger LOG = LoggerFactory.getLogger(FaultHook.class);

  private FaultHook() {}

  public static void reached(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      LOG.warn("fault drill: halting at {}", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
