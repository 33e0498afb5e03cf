package io.latentforge.report;

import io.latentforge.drift.DriftFigures;
import io.latentforge.model.EpochMetrics;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The report's charts, drawn with JFreeChart and returned as PNG bytes. */
final class Charts {

  static final int WIDTH = 720;
  static final int HEIGHT = 400;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Training loss and validation loss per epoch, each on its own axis (their scales differ). */
  static byte[] losses(List<EpochMetrics> epochs) {
    XYSeries training = new XYSeries("training loss");
    XYSeries validation = new XYSeries("validation loss");
    for (EpochMetrics e : epochs) {
      if (Double.isFinite(e.trainingLoss())) {
        training.add(e.epoch(), e.trainingLoss());
      }
      if (e.validated()) {
        validation.add(e.epoch(), e.validationLoss());
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Loss per epoch", "epoch", "training loss",
        new XYSeriesCollection(training), PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    plot.setRenderer(0, lines(new Color(0x1f77b4)));
    if (validation.getItemCount() > 0) {
      plot.setRangeAxis(1, new NumberAxis("validation loss"));
      plot.setDataset(1, new XYSeriesCollection(validation));
      plot.mapDatasetToRangeAxis(1, 1);
      plot.setRenderer(1, lines(new Color(0xd62728)));
    }
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    return png(chart);
  }

  private static XYLineAndShapeRenderer lines(Color color) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    r.setSeriesPaint(0, color);
    r.setSeriesStroke(0, new BasicStroke(2f));
    return r;
  }

  /** Points in two dimensions, one colour per label. */
  static byte[] projection(float[][] points, int[] labels, List<String> names, String title) {
    XYSeriesCollection series = new XYSeriesCollection();
    XYSeries[] byLabel = new XYSeries[names.size()];
    for (int l = 0; l < names.size(); l++) {
      byLabel[l] = new XYSeries(names.get(l), false, true);
      series.addSeries(byLabel[l]);
    }
    for (int i = 0; i < points.length; i++) {
      byLabel[labels[i]].add(points[i][0], points[i][1]);
    }
    JFreeChart chart = ChartFactory.createScatterPlot(title, "component 1", "component 2", series,
        PlotOrientation.VERTICAL, names.size() <= 30, false, false);
    XYLineAndShapeRenderer renderer = (XYLineAndShapeRenderer) chart.getXYPlot().getRenderer();
    for (int l = 0; l < names.size(); l++) {
      renderer.setSeriesShape(l, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
    }
    return png(chart, WIDTH, 560);
  }

  /** Grouped bars: for each k, precision@k of each representation. */
  static byte[] precision(Map<String, Map<Integer, Double>> byRepresentation) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    byRepresentation.forEach((name, atK) -> atK.forEach((k, p) -> data.addValue(p, name, "precision@" + k)));
    JFreeChart chart = ChartFactory.createBarChart("Retrieval by label: precision@k", "", "precision", data,
        PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.getRangeAxis().setRange(0, 1);
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    return png(chart);
  }

  /**
   * Drift figures run after run (dates in order): how far codes moved, how many neighbours and
   * cluster members stayed, and the loss against the previous model's.
   */
  static byte[] drift(List<RunMetrics> runs) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (RunMetrics run : runs) {
      DriftFigures d = run.drift();
      if (d == null) {
        continue;
      }
      add(data, d.codeDistanceMean(), "code distance, mean", run.runDate());
      add(data, d.codeDistanceP95(), "code distance, 95th percentile", run.runDate());
      add(data, d.neighborOverlap(), "neighbour overlap@10", run.runDate());
      add(data, d.clusterStability(), "cluster stability", run.runDate());
      add(data, d.reconErrorRatio(), "held-out loss / previous model's", run.runDate());
    }
    JFreeChart chart = ChartFactory.createLineChart("Drift from the previous partition, run by run", "run date",
        "share, ratio or distance over the mean distance between codes", data, PlotOrientation.VERTICAL, true, false,
        false);
    CategoryPlot plot = chart.getCategoryPlot();
    LineAndShapeRenderer renderer = (LineAndShapeRenderer) plot.getRenderer();
    renderer.setDefaultShapesVisible(true);
    plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    return png(chart);
  }

  private static void add(DefaultCategoryDataset data, Double value, String series, String date) {
    if (value != null) {
      data.addValue(value, series, date);
    }
  }

  private static byte[] png(JFreeChart chart) {
    return png(chart, WIDTH, HEIGHT);
  }

  private static byte[] png(JFreeChart chart, int width, int height) {
    chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    chart.setBackgroundPaint(Color.WHITE);
    chart.getPlot().setBackgroundPaint(Color.WHITE);
    if (chart.getPlot() instanceof XYPlot xy) {
      xy.setDomainGridlinePaint(Color.LIGHT_GRAY);
      xy.setRangeGridlinePaint(Color.LIGHT_GRAY);
    } else if (chart.getPlot() instanceof CategoryPlot category) {
      category.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ChartUtils.writeChartAsPNG(out, chart, width, height);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot draw chart " + chart.getTitle().getText(), e);
    }
  }
}
