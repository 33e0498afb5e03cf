package io.latentforge.retrieval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.latentforge.schema.VersionedJson;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * An index partition's {@code _MANIFEST.json}: the code partition it was built from (model, rows
 * and checksum: an index whose codes changed is refused), its metric and HNSW parameters, its
 * shards, and the recall its build measured.
 *
 * @param codesChecksum {@link HnswSearch#checksum} of the code partition
 * @param shards the shard directories beside the manifest, with their rows
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record IndexManifest(@JsonProperty("format_version") int formatVersion,
    @JsonProperty("run_date") String runDate, @JsonProperty("run_id") String runId,
    @JsonProperty("created") String created, @JsonProperty("model_id") String modelId,
    @JsonProperty("code_rows") long codeRows, @JsonProperty("codes_checksum") String codesChecksum,
    @JsonProperty("metric") String metric, @JsonProperty("similarity") String similarity,
    @JsonProperty("dimension") int dimension, @JsonProperty("m") int m,
    @JsonProperty("ef_construction") int efConstruction,
    /** The ef-search searches use unless index.ef-search says otherwise: as configured, or as auto chose it. */
    @JsonProperty("ef_search") int efSearch,
    @JsonProperty("shards") List<Shard> shards, @JsonProperty("build") IndexFigures build) {

  public static final int FORMAT_VERSION = 1;
  public static final String FILE = "_MANIFEST.json";

  public record Shard(@JsonProperty("name") String name, @JsonProperty("rows") long rows) {}

  public static IndexManifest read(InputStream in, String where) throws IOException {
    return VersionedJson.read(in, IndexManifest.class, FORMAT_VERSION, where);
  }

  /** This manifest as published for {@code date} by {@code run}. */
  public IndexManifest published(String date, String run) {
    return new IndexManifest(formatVersion, date, run, created, modelId, codeRows, codesChecksum, metric, similarity,
        dimension, m, efConstruction, efSearch, shards, build);
  }

  /** This manifest with the figures its build measured, and the ef-search it measured them with. */
  public IndexManifest withBuild(IndexFigures figures) {
    return new IndexManifest(formatVersion, runDate, runId, created, modelId, codeRows, codesChecksum, metric,
        similarity, dimension, m, efConstruction, figures.efSearch() == null ? efSearch : figures.efSearch(), shards,
        figures);
  }

  /** Why this index does not fit a code partition (null when it does). */
  public String mismatch(String codesModelId, long codesRows, String checksum) {
    if (!String.valueOf(modelId).equals(String.valueOf(codesModelId))) {
      return "it was built for the codes of model " + modelId + ", but the codes are now model " + codesModelId + "'s";
    }
    if (codeRows != codesRows || !codesChecksum.equals(checksum)) {
      return "it was built for " + codeRows + " codes with checksum " + codesChecksum + ", but the partition now holds "
          + codesRows + " with checksum " + checksum;
    }
    return null;
  }
}
