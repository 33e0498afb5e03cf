package io.latentforge;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs driver code under a Spark job group, so the Spark UI names what each job is for, and logs
 * how long it took, so a slow night shows where its time went.
 */
public final class Stage {

  private static final Logger LOG = LoggerFactory.getLogger(Stage.class);

  private Stage() {}

  public static <T> T run(SparkSession spark, String group, String description, Supplier<T> work) {
    spark.sparkContext().setJobGroup(group, description, false);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      spark.sparkContext().clearJobGroup();
      LOG.info("{}: {} took {} s", group, description, String.format(java.util.Locale.ROOT, "%.2f",
          (System.nanoTime() - start) / 1e9));
    }
  }
}
