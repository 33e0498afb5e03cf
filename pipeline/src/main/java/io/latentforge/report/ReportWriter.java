package io.latentforge.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.latentforge.eval.Evaluation;
import io.latentforge.eval.EvaluationFigures;
import io.latentforge.fs.HadoopFiles;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Writes {@code report.html} and its PNG charts into a run date's report directory. The page
 * embeds the same PNGs as data URIs, so it reads offline on its own (e.g. as a mail attachment).
 */
public final class ReportWriter {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Evaluation columns after the retrieval and clustering scores. */
  private static final List<String> TRAILING_COLUMNS = List.of("mean_recon_error", "recon_error_vs_pca",
      EvaluationFigures.Scores.CODES_MINUS_THIS);

  public static final String REPORT = "report.html";

  private final Configuration hadoop;
  private final Path dir;
  private final StringBuilder html = new StringBuilder();
  private final List<String> charts = new ArrayList<>();

  private ReportWriter(Configuration hadoop, Path dir) {
    this.hadoop = hadoop;
    this.dir = dir;
  }

  /** Returns the names of the chart files written beside the report. */
  public static List<String> write(Configuration hadoop, String dir, ReportContent content) {
    ReportWriter w = new ReportWriter(hadoop, new Path(dir));
    w.page(content);
    HadoopFiles.write(hadoop, new Path(dir, REPORT), out -> out.write(w.html.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return List.copyOf(w.charts);
  }

  private void page(ReportContent c) {
    RunMetrics m = c.metrics();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>latentforge ")
        .append(esc(c.runDate())).append("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;"
            + "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
            + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
            + "img{max-width:100%;display:block;margin:1em 0}</style></head><body>\n");
    html.append("<h1>latentforge report, ").append(esc(c.runDate())).append("</h1>\n");
    section("Run", flat(asMap(m), List.of("status", "kind", "model_id", "input_path", "created")));
    if (m.rows() != null) {
      section("Rows", flat(asMap(m.rows()), null));
    }
    if (m.metrics() != null) {
      section("Reconstruction error per row (all published rows)", flat(asMap(m.metrics()), null));
    }
    if (!c.epochs().isEmpty()) {
      html.append("<h2>Training</h2>\n");
      chart("loss.png", Charts.losses(c.epochs()), "Training loss and validation loss (the same loss, on held-out rows) per epoch");
    }
    if (c.panels() != null) {
      ReportContent.ImagePanels p = c.panels();
      html.append("<h2>Reconstructions</h2>\n<p>").append(esc(p.caption())).append(" Rows, top to bottom: ")
          .append(esc(String.join(", ", p.rowNames()))).append(".</p>\n");
      chart("reconstructions.png", ImageGrid.png(p.images(), p.channels(), p.height(), p.width()), p.caption());
    }
    if (c.evaluation() != null) {
      evaluation(c.evaluation(), c.projection());
      if (c.evaluation().examples() != null) {
        examples(c.evaluation().examples(), c.panels(), c.firstWords());
      }
    }
    if (m.drift() != null) {
      drift(c);
    }
    if (m.clustering() != null) {
      section("Clustering", flat(asMap(m.clustering()), null));
    }
    if (m.neighbors() != null) {
      section("Nearest neighbours", flat(asMap(m.neighbors()), null));
    }
    if (m.index() != null) {
      section("Similarity index (HNSW): recall against exact search and query rate", flat(asMap(m.index()), null));
    }
    html.append("</body></html>\n");
  }

  /** Tonight's drift, its gates, and the drift of up to 30 earlier runs with tonight's. */
  private void drift(ReportContent c) {
    RunMetrics m = c.metrics();
    section("Drift from " + m.drift().previousRunDate() + " (the previous code partition)", flat(asMap(m.drift()), null));
    if (m.gates() != null && !m.gates().isEmpty()) {
      html.append("<h3>Publish gates</h3>\n");
      List<List<String>> rows = new ArrayList<>();
      m.gates().forEach(g -> rows.add(List.of(g.gate(), num(g.limit()), g.value() == null ? "n/a" : num(g.value()),
          g.value() == null ? "not measured: " + g.note() : g.passed() ? "passed" : "FAILED")));
      table(List.of("gate", "limit", "value", ""), rows);
    }
    List<RunMetrics> runs = new ArrayList<>(c.history());
    runs.add(m);
    chart("drift.png", Charts.drift(runs), "Drift figures of the last " + runs.size() + " runs");
  }

  private void evaluation(Evaluation.Result e, float[][] projection) {
    html.append("<h2>Evaluation on held-out rows</h2>\n<p>").append(e.labels().length).append(" evaluated rows of ")
        .append(e.heldOutRows()).append(" held out, ").append(e.labelNames().size()).append(" labels. ")
        .append(e.modelSawRows() ? "The autoencoder trained on these rows too (train.validation-fraction = 0). "
            : "Neither the autoencoder nor the baselines were fitted on these rows. ")
        .append("Mean reconstruction error of predicting the mean input: ")
        .append(num(e.meanInputError())).append(".");
    Evaluation.Representation codes = e.representations().get("codes");
    Double ratio = codes == null ? null : e.reconVsPca(codes);
    if (ratio != null) {
      html.append(" The codes reconstruct the rows with <b>").append(num(ratio))
          .append("</b> of PCA's error at the same number of dimensions (below 1: better than PCA).");
    }
    html.append("</p>\n");
    List<String> columns = new ArrayList<>();
    List<List<String>> rows = new ArrayList<>();
    Map<String, Map<Integer, Double>> precision = new LinkedHashMap<>();
    EvaluationFigures.of(e).representations().forEach((name, scores) -> {
      Map<String, Object> values = scores.asJson();
      if (columns.isEmpty()) {
        columns.addAll(values.keySet());
        columns.removeAll(TRAILING_COLUMNS);
        columns.addAll(TRAILING_COLUMNS);
      }
      List<String> row = new ArrayList<>(List.of(name));
      columns.forEach(col -> row.add(col.equals(EvaluationFigures.Scores.CODES_MINUS_THIS)
          ? (scores.codesMinusThis() == null ? "" : scores.codesMinusThis().text())
          : values.containsKey(col) ? text(values.get(col)) : ""));
      rows.add(row);
      precision.put(name, scores.precisionAt());
    });
    List<String> header = new ArrayList<>(List.of("representation"));
    header.addAll(columns);
    table(header, rows);
    html.append("<p>").append(EvaluationFigures.Scores.CODES_MINUS_THIS).append(": the codes' precision@")
        .append(Evaluation.COMPARED_AT).append(" minus the baseline's on the same queries, with the ")
        .append("95% interval of a paired bootstrap over them; * where the interval excludes 0.</p>\n");
    if (!e.skipped().isEmpty()) {
      html.append("<p>Baselines skipped: ").append(esc(e.skipped().toString())).append("</p>\n");
    }
    chart("precision.png", Charts.precision(precision), "Precision@k of the codes and of the baselines");
    if (projection != null) {
      chart("projection.png", Charts.projection(projection, e.labels(), e.labelNames(),
          "Codes of the evaluated rows (PCA to 2-D), by label"), "Codes projected to two dimensions, coloured by label");
    }
  }

  /** Held-out queries and their nearest neighbours by codes and by PCA: images drawn, documents by id and label. */
  private void examples(Evaluation.Examples ex, ReportContent.ImagePanels shape, Map<String, String> firstWords) {
    html.append("<h2>Retrieval examples</h2>\n<p>").append(ex.queries().length).append(" held-out rows and their ")
        .append("nearest neighbours among the evaluated rows, by the codes and by PCA of the same size")
        .append(shape != null ? " (each row: the query, then its neighbours, nearest first)."
            : ": id [label] and the document's first words.")
        .append("</p>\n");
    ex.neighbors().forEach((name, neighbors) -> {
      if (shape != null) {
        float[][][] rows = new float[ex.queries().length][][];
        for (int q = 0; q < rows.length; q++) {
          rows[q] = new float[neighbors[q].length + 1][];
          rows[q][0] = ex.features()[ex.queries()[q]];
          for (int j = 0; j < neighbors[q].length; j++) {
            rows[q][j + 1] = ex.features()[neighbors[q][j]];
          }
        }
        html.append("<h3>By ").append(esc(name)).append("</h3>\n");
        chart("neighbors-" + name + ".png", ImageGrid.png(rows, shape.channels(), shape.height(), shape.width()),
            "Queries and their nearest neighbours by " + name);
      } else {
        html.append("<h3>By ").append(esc(name)).append("</h3>\n<ol class=\"examples\">\n");
        for (int q = 0; q < ex.queries().length; q++) {
          html.append("<li>").append(document(ex, ex.queries()[q], firstWords)).append("<ol>");
          for (int j : neighbors[q]) {
            html.append("<li>").append(document(ex, j, firstWords)).append("</li>");
          }
          html.append("</ol></li>\n");
        }
        html.append("</ol>\n");
      }
    });
  }

  private static String document(Evaluation.Examples ex, int row, Map<String, String> firstWords) {
    String words = firstWords.getOrDefault(ex.ids()[row], "");
    return "<b>" + esc(ex.ids()[row]) + "</b> [" + esc(ex.labels()[row]) + "]" + (words.isEmpty() ? "" : " " + esc(words));
  }

  private void chart(String name, byte[] png, String alt) {
    HadoopFiles.write(hadoop, new Path(dir, name), out -> out.write(png));
    charts.add(name);
    html.append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
        .append("\" alt=\"").append(esc(alt)).append("\" title=\"").append(esc(name)).append("\">\n");
  }

  private void section(String title, Map<String, Object> values) {
    html.append("<h2>").append(esc(title)).append("</h2>\n");
    List<List<String>> rows = new ArrayList<>();
    values.forEach((k, v) -> rows.add(List.of(k, text(v))));
    table(List.of("", ""), rows);
  }

  private void table(List<String> header, List<List<String>> rows) {
    html.append("<table>");
    if (header.stream().anyMatch(h -> !h.isEmpty())) {
      html.append("<tr>");
      header.forEach(h -> html.append("<th>").append(esc(h)).append("</th>"));
      html.append("</tr>");
    }
    for (List<String> row : rows) {
      html.append("<tr>");
      row.forEach(cell -> html.append("<td>").append(esc(cell)).append("</td>"));
      html.append("</tr>");
    }
    html.append("</table>\n");
  }

  /** A metrics.json record as the key-value pairs its JSON has. */
  private static Map<?, ?> asMap(Object record) {
    return JSON.convertValue(record, Map.class);
  }

  /** The map's scalar entries (only {@code keys} when given), nested maps flattened with dots. */
  private static Map<String, Object> flat(Map<?, ?> map, List<String> keys) {
    Map<String, Object> out = new LinkedHashMap<>();
    map.forEach((k, v) -> {
      if (keys != null && !keys.contains(String.valueOf(k))) {
        return;
      }
      if (v instanceof Map<?, ?> nested) {
        flat(nested, null).forEach((nk, nv) -> out.put(k + "." + nk, nv));
      } else {
        out.put(String.valueOf(k), v);
      }
    });
    return out;
  }

  private static String text(Object v) {
    return v instanceof Double || v instanceof Float ? num(((Number) v).doubleValue()) : String.valueOf(v);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
