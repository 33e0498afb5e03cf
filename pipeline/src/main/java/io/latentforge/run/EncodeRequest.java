package io.latentforge.run;

import io.latentforge.config.LatentforgeConfig;
import io.latentforge.schema.CorpusKind;
import java.time.LocalDate;

/** Encoding a corpus with an existing model directory. */
public record EncodeRequest(String modelDir, CorpusKind kind, String input, String output, LocalDate runDate,
    LatentforgeConfig config) {}
