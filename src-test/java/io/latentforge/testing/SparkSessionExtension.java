package io.latentforge.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class one local[2] SparkSession (UI off, loopback only), injected as a parameter of
 * test methods, constructors or lifecycle methods, and stopped after the class.
 */
public final class SparkSessionExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SparkSessionExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    SparkSession spark = SparkSession.builder()
        .appName("latentforge test " + context.getRequiredTestClass().getSimpleName())
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate();
    context.getStore(NS).put(SparkSession.class, spark);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    SparkSession spark = context.getStore(NS).remove(SparkSession.class, SparkSession.class);
    if (spark != null) {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
    return parameter.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
    return extension.getStore(NS).get(SparkSession.class, SparkSession.class);
  }
}
