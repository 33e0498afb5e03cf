package io.latentforge.run;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.schema.CorpusKind;
import java.time.LocalDate;

/**
 * Encoding a corpus with an existing model directory.
 *
 * @param incremental copy the codes of rows unchanged since the previous partition, when the same
 *     model made it (see {@link IncrementalEncode})
 */
public record EncodeRequest(String modelDir, CorpusKind kind, String input, String output, LocalDate runDate,
    LatentforgeConfig config, boolean incremental) {}
