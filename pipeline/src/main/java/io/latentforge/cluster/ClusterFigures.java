package io.latentforge.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A clustering of the codes, or why there was none ({@code skipped}, the other fields null). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterFigures(@JsonProperty("algorithm") String algorithm, @JsonProperty("k") Integer k,
    @JsonProperty("rows") Long rows, @JsonProperty("silhouette") Double silhouette,
    @JsonProperty("sizes") List<Long> sizes, @JsonProperty("skipped") String skipped) {

  public static ClusterFigures skipped(String why) {
    return new ClusterFigures(null, null, null, null, null, why);
  }
}
