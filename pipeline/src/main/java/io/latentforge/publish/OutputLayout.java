package io.latentforge.publish;

/** Paths under one output root, as the README's output contract lays them out. */
public record OutputLayout(String root) {

  public OutputLayout {
    root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
  }

  public String codes() {
    return root + "/codes";
  }

  public String rejects() {
    return root + "/rejects";
  }

  public String neighbors() {
    return root + "/neighbors";
  }

  /** HNSW indexes of the code partitions, one directory of shards per date. */
  public String indexes() {
    return root + "/indexes";
  }

  public String clusters() {
    return root + "/clusters";
  }

  /** Cluster centres and sizes, beside the assignments. */
  public String clusterCenters() {
    return root + "/cluster_centers";
  }

  /** The reports of every date. */
  public String reports() {
    return root + "/reports";
  }

  /** {@code report.html}, its charts and {@code metrics.json} of a run date. */
  public String report(String runDate) {
    return reports() + "/run_date=" + runDate;
  }

  public String models() {
    return root + "/models";
  }

  public String model(String modelId) {
    return models() + "/" + modelId;
  }

  /** {@code metrics.json} of a run date. */
  public String metrics(String runDate) {
    return report(runDate) + "/metrics.json";
  }

  /** Where a run's checkpoints live until its model is published (then under the model's directory). */
  public String checkpoints(String modelId) {
    return checkpoints() + "/" + modelId;
  }

  /** The checkpoints of every model id not yet published. */
  public String checkpoints() {
    return root + "/_checkpoints";
  }

  /** Temporary files of a run (DL4J's exported minibatches); removed when the run ends. */
  public String scratch(String modelId) {
    return scratch() + "/" + modelId;
  }

  public String scratch() {
    return root + "/_scratch";
  }
}
