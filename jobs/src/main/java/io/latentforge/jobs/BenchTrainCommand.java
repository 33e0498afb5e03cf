package io.latentforge.jobs;

import io.latentforge.Stage;
import io.latentforge.config.LatentforgeConfig;
import io.latentforge.jobs.bench.TrainBench;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code latentforge bench train}: Spark parameter averaging against plain DL4J in one JVM. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train the same network (default: the 784-256-32-256-784 dense autoencoder, batch 128) on the same "
        + "generated rows with plain DL4J in one JVM and with Spark parameter averaging, and print examples/s of "
        + "each and their ratio. --set train.* and model.* change the network and the averaging.")
public final class BenchTrainCommand extends SparkJob {

  /** The benchmark's network and batch, applied before --set. */
  static final List<String> DEFAULTS = List.of("model.type=deep", "model.encoder-layers=[256]", "model.code-size=32",
      "model.activation=relu", "train.batch-size-per-worker=128", "train.epochs=3");

  @Option(names = "--rows", description = "Rows to generate. Default: ${DEFAULT-VALUE}.")
  int rows = 20000;

  @Option(names = "--features", description = "Features per row. Default: ${DEFAULT-VALUE}.")
  int features = 784;

  @Option(names = "--output", paramLabel = "DIR", description = "Scratch directory. Default: ${DEFAULT-VALUE}.")
  String output = "target/latentforge-bench";

  @Override
  String jobName() {
    return "bench train";
  }

  @Override
  List<String> defaults() {
    return DEFAULTS;
  }

  @Override
  void run(SparkSession spark, LatentforgeConfig config, PrintWriter out) {
    TrainBench.Rates r = Stage.run(spark, "latentforge.bench", "train",
        () -> new TrainBench(spark, config.model(), config.train()).run(rows, features, output + "/train"));
    out.printf(Locale.ROOT, "train benchmark: %d rows x %d features, %d-%s-%d, batch %d, %d epochs, master %s%n",
        r.rows(), r.features(), r.features(), config.model().encoderLayers(), config.model().codeSize(),
        r.batchSizePerWorker(), r.epochs(), spark.sparkContext().master());
    out.printf(Locale.ROOT, "  single JVM, plain DL4J              %9.0f examples/s%n", r.singleJvm());
    out.printf(Locale.ROOT, "  Spark, parameter averaging (freq %d) %9.0f examples/s  (%.2f of single JVM)%n",
        config.train().distribution().averaging().frequency(), r.spark(), r.ratio());
  }
}
