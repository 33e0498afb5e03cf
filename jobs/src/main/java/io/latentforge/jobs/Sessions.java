package io.latentforge.jobs;

import io.latentforge.config.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Builds the job's SparkSession; spark-submit's settings win over the config's local defaults. */
final class Sessions {

  private Sessions() {}

  /** A session and whether this job owns it (and so must stop it). */
  record Owned(SparkSession session, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        session.stop();
      }
    }
  }

  static Owned open(String appName, SparkSettings settings) {
    boolean existing = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.master")) {
      conf.setMaster(settings.master());
    }
    conf.setIfMissing("spark.sql.shuffle.partitions", Integer.toString(settings.shufflePartitions()));
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    SparkSession session = SparkSession.builder().appName(appName).config(conf).getOrCreate();
    return new Owned(session, !existing);
  }
}
