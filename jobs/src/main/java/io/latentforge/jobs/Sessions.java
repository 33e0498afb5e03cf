package io.latentforge.jobs;

import io.latentforge.config.SparkSettings;
import io.latentforge.train.SparkTrainer;
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
    if (settings.kryo()) {
      conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
      conf.setIfMissing("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    }
    executorMemory(conf, settings);
    SparkSession session = SparkSession.builder().appName(appName).config(conf).getOrCreate();
    return new Owned(session, !existing);
  }

  /** ND4J's off-heap limits and the container overhead for executors, unless already given. */
  private static void executorMemory(SparkConf conf, SparkSettings settings) {
    String options = conf.get("spark.executor.extraJavaOptions", "");
    if (!options.contains("org.bytedeco.javacpp.maxbytes")) {
      options += " -Dorg.bytedeco.javacpp.maxbytes=" + settings.executorOffHeap();
    }
    if (!options.contains("org.bytedeco.javacpp.maxphysicalbytes")) {
      options += " -Dorg.bytedeco.javacpp.maxphysicalbytes=" + settings.executorPhysical();
    }
    if (!options.contains("org.deeplearning4j.spark.time.TimeSource")) {
      // train.stats: DL4J times events with an NTP clock by default, which needs the internet.
      options += " -Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource";
    }
    if (!options.contains(SparkTrainer.AERON_UNBLOCK_TIMEOUT)) {
      options += " -D" + SparkTrainer.AERON_UNBLOCK_TIMEOUT + "=" + SparkTrainer.AERON_UNBLOCK_TIMEOUT_NS;
    }
    conf.set("spark.executor.extraJavaOptions", options.trim());
    conf.setIfMissing("spark.executor.memoryOverhead", settings.executorMemoryOverhead());
  }
}
