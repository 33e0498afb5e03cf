package io.latentforge.encode;

import io.latentforge.features.image.ImageDecoder;
import io.latentforge.features.image.ImageFeaturizer;
import io.latentforge.parquet.ParquetTaskOutput;
import io.latentforge.schema.Columns;
import io.latentforge.schema.RejectReason;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The task of {@link ImageCorpusEncoder}'s one pass, on Spark's internal rows in and out: the image
 * bytes, ids and labels are read and the code rows written without conversion to Java objects.
 * With {@link ParquetTaskOutput}, the one place Spark's internal APIs are used: the public-API
 * path (decode into a cached Dataset, then encode) ran at 0.41 of this pass's rate (deploy/PERFORMANCE.md).
 */
final class ImageRowsTask implements ParquetTaskOutput.TaskBody<InternalRow, ImageCorpusEncoder.Tally> {
  private final EncodeTask task;
  private final ImageCorpusEncoder.Featurizer featurizer;
  /** Content is Spark's image source struct {@code (height, width, nChannels, data)}, not encoded bytes. */
  private final boolean sparkImage;

  ImageRowsTask(EncodeTask task, ImageCorpusEncoder.Featurizer featurizer, boolean sparkImage) {
    this.task = task;
    this.featurizer = featurizer;
    this.sparkImage = sparkImage;
  }

  @Override
  public ImageCorpusEncoder.Tally write(Iterator<InternalRow> rows, ParquetTaskOutput.Files files) {
    boolean label = task.label();
    int idReason = label ? 3 : 2;
    DataType labelType = label ? files.schema(ImageCorpusEncoder.CODES).apply(Columns.LABEL).dataType() : null;
    UTF8String modelId = UTF8String.fromString(task.modelId());
    FeatureMoments moments = new FeatureMoments(task.inputSize());
    Map<String, Long> rejects = new TreeMap<>();
    double[] reconErrorSum = {0};
    Iterator<InternalRow> codes = new BatchingIterator<InternalRow, InternalRow>(rows, task) {
      @Override
      void consume(InternalRow row) {
        if (!row.isNullAt(idReason)) {
          reject(row, row.getUTF8String(idReason).toString(), row.getUTF8String(idReason + 1).toString());
        } else if (row.isNullAt(1)) {
          reject(row, RejectReason.NULL_IMAGE.code(), ImageFeaturizer.NULL_IMAGE_DETAIL);
        } else {
          try {
            double[] x = decode(row);
            if (featurizer.standardization() != null) {
              featurizer.standardization().standardizeInPlace(x);
            }
            moments.add(x);
            // The input row's buffers and x are reused for the next row: the batch keeps copies.
            add(row.getUTF8String(0).clone(), label ? InternalRow.copyValue(row.get(2, labelType)) : null, x);
          } catch (ImageDecoder.RejectedImageException e) {
            reject(row, e.reason().code(), e.getMessage());
          }
        }
      }

      @Override
      InternalRow codeRow(Object id, Object rowLabel, BatchForward.Result batch, int i) {
        reconErrorSum[0] += batch.reconErrors()[i];
        return new GenericInternalRow(codeValues(id, UnsafeArrayData.fromPrimitiveArray(batch.codes(),
            Platform.FLOAT_ARRAY_OFFSET + i * batch.codeSize() * Float.BYTES, batch.codeSize(), Float.BYTES),
            modelId, batch, i, rowLabel));
      }

      private void reject(InternalRow row, String reason, String detail) {
        files.write(ImageCorpusEncoder.REJECTS, RowFactory.create(row.isNullAt(0) ? null : row.getUTF8String(0).toString(), reason, detail));
        rejects.merge(reason, 1L, Long::sum);
      }
    };
    long accepted = 0;
    while (codes.hasNext()) {
      files.write(ImageCorpusEncoder.CODES, codes.next());
      accepted++;
    }
    if (moments.rows() > 0) {
      files.write(ImageCorpusEncoder.STATS, RowFactory.create((Object) moments.toArray()));
    }
    return new ImageCorpusEncoder.Tally(accepted, reconErrorSum[0], rejects);
  }

  private double[] decode(InternalRow row) throws ImageDecoder.RejectedImageException {
    if (sparkImage) {
      InternalRow image = row.getStruct(1, 4);
      return featurizer.decoder().fromSparkImage(image.getInt(0), image.getInt(1), image.getInt(2), image.getBinary(3));
    }
    return featurizer.decoder().decodeReusing(row.getBinary(1));
  }
}
