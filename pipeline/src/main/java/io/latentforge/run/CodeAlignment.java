package io.latentforge.run;

import static org.apache.spark.sql.functions.col;

import io.latentforge.model.CodeLayer;
import io.latentforge.model.CodeRotation;
import io.latentforge.publish.OutputLayout;
import io.latentforge.schema.Columns;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code publish.align = procrustes}: tonight's codes rotated onto the code space of the newest
 * earlier partition, fitted on ids both hold (see {@link CodeRotation}).
 */
final class CodeAlignment {

  private static final Logger LOG = LoggerFactory.getLogger(CodeAlignment.class);

  private CodeAlignment() {}

  /**
   * Rotates {@code network}'s codes onto those of the newest code partition before {@code runDate},
   * fitted on up to {@code rows} ids present in both; returns that partition, or empty when there is
   * none or too few shared ids.
   *
   * @param features tonight's featurized rows ({@code id}, {@code features})
   */
  static Optional<Path> align(SparkSession spark, OutputLayout out, String runDate, Dataset<Row> features,
      MultiLayerNetwork network, CodeLayer code, int rows) {
    Optional<Path> previous = WarmStarts.newestPartitionBefore(spark.sparkContext().hadoopConfiguration(), out, runDate);
    if (previous.isEmpty()) {
      return previous;
    }
    Dataset<Row> before = spark.read().parquet(previous.get().toString())
        .select(col(Columns.ID), col(Columns.CODE).as("previous_code"));
    List<Row> shared = features.select(Columns.ID, Columns.FEATURES).join(before, Columns.ID)
        .orderBy(Columns.ID).limit(rows).collectAsList();
    int size = network.getLayer(code.index()).getParam("b").columns();
    if (shared.size() <= size) {
      LOG.warn("not aligning the codes: {} ids shared with {}, fewer than the code size plus one", shared.size(),
          previous.get());
      return Optional.empty();
    }
    double[][] x = new double[shared.size()][];
    double[][] yesterday = new double[shared.size()][size];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Vector) shared.get(i).get(1)).toArray();
      List<Number> previousCode = shared.get(i).getList(2);
      for (int j = 0; j < size; j++) {
        yesterday[i][j] = previousCode.get(j).doubleValue();
      }
    }
    INDArray input = Nd4j.create(x).castTo(network.params().dataType());
    double[][] tonight = network.feedForwardToLayer(code.index(), input, false).get(code.index() + 1)
        .castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleMatrix();
    CodeRotation.rotate(network, code, CodeRotation.procrustes(tonight, yesterday));
    LOG.info("codes rotated onto the code space of {} (fitted on {} shared ids)", previous.get(), shared.size());
    return previous;
  }
}
