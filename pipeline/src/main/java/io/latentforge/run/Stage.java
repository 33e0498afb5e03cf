package io.latentforge.run;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** Runs driver code under a Spark job group, so the Spark UI names what each job is for. */
public final class Stage {

  private Stage() {}

  public static <T> T run(SparkSession spark, String group, String description, Supplier<T> work) {
    spark.sparkContext().setJobGroup(group, description, false);
    try {
      return work.get();
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }
}
