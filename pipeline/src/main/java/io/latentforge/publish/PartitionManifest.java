package io.latentforge.publish;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.schema.VersionedJson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

/**
 * A published partition's {@code _MANIFEST.json}: its date and row count, and what made it. Code
 * partitions name their model, code shape and reject count; reject partitions the count per
 * reason; the partitions of a step after publishing (neighbours, clusters) name the model and
 * carry the step's figures as {@code metrics.json} records them. Written by
 * {@link TableSink#stage}, read by {@link #read}; files written before
 * {@code format_version} existed are version 1, and a newer version is refused by name.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PartitionManifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("run_date") String runDate,
    @JsonProperty("row_count") Long rowCount,
    @JsonProperty("model_id") String modelId,
    @JsonProperty("model_sha256") String modelSha256,
    @JsonProperty("code_size") Integer codeSize,
    @JsonProperty("binary_codes") Boolean binaryCodes,
    @JsonProperty("reject_count") Long rejectCount,
    @JsonProperty("rejects_by_reason") Map<String, Long> rejectsByReason,
    @JsonProperty("input_path") String inputPath,
    /** The step's figures (read back as a map). */
    @JsonProperty("step") Object step,
    @JsonProperty("created") String created,
    /** The run that published the partition: every table of a date published together names the same run. */
    @JsonProperty("run_id") String runId,
    /** Of a code partition: the model its model's training started from; null when from scratch. */
    @JsonProperty("parent_model_id") String parentModelId) {

  public static final int FORMAT_VERSION = 1;

  /** A code partition's, before publishing adds the date and row count. */
  public static PartitionManifest codes(String modelId, String modelSha256, int codeSize, boolean binary,
      long rejectCount, String inputPath) {
    return new PartitionManifest(FORMAT_VERSION, null, null, modelId, modelSha256, codeSize, binary, rejectCount, null,
        inputPath, null, Instant.now().toString(), null, null);
  }

  public static PartitionManifest rejects(String inputPath, Map<String, Long> rejectsByReason) {
    return new PartitionManifest(FORMAT_VERSION, null, null, null, null, null, null, null, rejectsByReason, inputPath,
        null, Instant.now().toString(), null, null);
  }

  /** A partition of a step after publishing: the model of the codes it read and the step's figures. */
  public static PartitionManifest step(String modelId, Object figures) {
    return new PartitionManifest(FORMAT_VERSION, null, null, modelId, null, null, null, null, null, null, figures,
        Instant.now().toString(), null, null);
  }

  /** This manifest with the date and row count of the partition it is published with, and the run publishing it. */
  PartitionManifest published(String date, long rows, String run) {
    return new PartitionManifest(formatVersion, date, rows, modelId, modelSha256, codeSize, binaryCodes, rejectCount,
        rejectsByReason, inputPath, step, created, run, parentModelId);
  }

  /** This manifest with {@code figures} (e.g. what an incremental encode copied). */
  public PartitionManifest withStep(Object figures) {
    return new PartitionManifest(formatVersion, runDate, rowCount, modelId, modelSha256, codeSize, binaryCodes,
        rejectCount, rejectsByReason, inputPath, figures, created, runId, parentModelId);
  }

  /** This manifest naming the parent of its model. */
  public PartitionManifest withParent(String parent) {
    return new PartitionManifest(formatVersion, runDate, rowCount, modelId, modelSha256, codeSize, binaryCodes,
        rejectCount, rejectsByReason, inputPath, step, created, runId, parent);
  }

  /** Whether the partition holds binary codes (false in manifests that do not say). */
  public boolean binary() {
    return Boolean.TRUE.equals(binaryCodes);
  }

  /** Reads a {@code _MANIFEST.json}; {@code where} names it in errors. */
  public static PartitionManifest read(InputStream in, String where) throws IOException {
    return VersionedJson.read(in, PartitionManifest.class, FORMAT_VERSION, where);
  }

}
