package io.latentforge.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.schema.VersionedJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A published model's {@code model.json}: what it is, what it was trained on and how, and the
 * SHA-256 of each of its files. Files written before {@code format_version} existed are version 1;
 * fields added later within a version are optional, and a newer version is refused by name.
 * Written by {@code ModelStore.saveCard}, read by {@link #read}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelCard(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("model_id") String modelId,
    @JsonProperty("type") String type,
    @JsonProperty("loss") String loss,
    @JsonProperty("code_size") int codeSize,
    @JsonProperty("code_layer") int codeLayer,
    @JsonProperty("binary_codes") boolean binaryCodes,
    /** Whether the corpus's mean code was folded into the network (null: written before centring existed). */
    @JsonProperty("codes_centred") Boolean codesCentred,
    @JsonProperty("input") Input input,
    @JsonProperty("input_path") String inputPath,
    @JsonProperty("run_date") String runDate,
    @JsonProperty("rows") Rows rows,
    @JsonProperty("epochs") List<EpochMetrics> epochs,
    @JsonProperty("training") Training training,
    @JsonProperty("metrics") Metrics metrics,
    @JsonProperty("model_file") String modelFile,
    @JsonProperty("model_sha256") String modelSha256,
    @JsonProperty("created") String created,
    /** The effective configuration the model was trained with (latentforge.conf's tree). */
    @JsonProperty("config") Map<String, Object> config,
    /**
     * SHA-256 of every file of the model directory but this card and the checkpoints, by path
     * relative to it (the network and the vocabulary's files); null in models written before it.
     */
    @JsonProperty("files") Map<String, String> files,
    /** The model this one's training started from (train.init); null when from scratch. */
    @JsonProperty("parent_model_id") String parentModelId) {

  public static final int FORMAT_VERSION = 1;
  public static final String FILE = "model.json";

  /** What the network reads: the features of an image or a document, and how they were made. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Input(
      @JsonProperty("kind") String kind,
      @JsonProperty("features") int features,
      @JsonProperty("height") Integer height,
      @JsonProperty("width") Integer width,
      @JsonProperty("channels") Integer channels,
      @JsonProperty("layout") String layout,
      @JsonProperty("standardization") Moments standardization,
      @JsonProperty("vocabulary") String vocabulary,
      @JsonProperty("vocabulary_size") Integer vocabularySize,
      @JsonProperty("weighting") String weighting,
      /** Null in models written before text normalization existed: they did not normalize. */
      @JsonProperty("normalize") String normalize,
      /** Null in models written before features.text.scale existed: they did not scale (1). */
      @JsonProperty("scale") Double scale) {

    public static Input image(int features, int height, int width, int channels, Moments standardization) {
      return new Input("image", features, height, width, channels, "CHW, scaled to [0,1]", standardization,
          null, null, null, null, null);
    }

    public static Input text(int features, String vocabulary, int vocabularySize, String weighting, String normalize,
        double scale) {
      return new Input("text", features, null, null, null, null, null, vocabulary, vocabularySize, weighting, normalize,
          scale);
    }
  }

  /** The per-channel mean and standard deviation images were standardized with. */
  public record Moments(@JsonProperty("mean") double[] mean, @JsonProperty("std") double[] std) {}

  /** Rows read = featurized + rejected. */
  public record Rows(@JsonProperty("read") long read, @JsonProperty("featurized") long featurized,
      @JsonProperty("rejected") long rejected, @JsonProperty("rejects_by_reason") Map<String, Long> rejectsByReason) {}

  /**
   * How training ended, how it was spread, and how many neighbours each row's target blended in (0:
   * the row itself); null in cards written before they were recorded.
   */
  public record Training(@JsonProperty("stop_reason") String stopReason,
      @JsonProperty("resumed_from_epoch") int resumedFromEpoch, @JsonProperty("workers") Integer workers,
      @JsonProperty("batch_size_per_worker") Integer batchSizePerWorker,
      @JsonProperty("target_neighbours") Integer targetNeighbours) {}

  public record Metrics(@JsonProperty("mean_recon_error") double meanReconError,
      @JsonProperty("mean_input_baseline_error") double meanInputBaselineError) {}

  /** This card with the checksums of its directory's files. */
  public ModelCard withFiles(Map<String, String> checksums) {
    return new ModelCard(formatVersion, modelId, type, loss, codeSize, codeLayer, binaryCodes, codesCentred, input,
        inputPath, runDate, rows, epochs, training, metrics, modelFile, modelSha256, created, config, checksums,
        parentModelId);
  }

  /** Where the code is read from the network. */
  public CodeLayer code() {
    return new CodeLayer(codeLayer, binaryCodes);
  }

  /** Reads a model.json; {@code where} names it in errors. */
  public static ModelCard read(InputStream in, String where) throws IOException {
    return VersionedJson.read(in, ModelCard.class, FORMAT_VERSION, where);
  }

}
