package io.latentforge.encode;

import io.latentforge.parquet.TableRows;
import java.util.OptionalDouble;
import java.util.function.DoubleSupplier;

/**
 * A corpus encoded for publishing, whichever {@link CorpusEncoder} did it: the rows read, accepted
 * and rejected, the rejects and the code rows as tables to publish, and the figures the run
 * reports with them.
 *
 * @param meanReconError the mean {@code recon_error} of the code rows when the encoding already
 *     knows it; empty when it is to be read back from the published rows
 * @param meanInputBaseline the mean squared error of predicting the mean input on the accepted
 *     rows (a Spark job, run when asked)
 */
public record EncodedCorpus(RowCounts counts, TableRows rejects, TableRows codes, OptionalDouble meanReconError,
    DoubleSupplier meanInputBaseline) {}
