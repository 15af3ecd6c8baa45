/**
 * Plots of the report, drawn with JFreeChart in headless mode: {@link dev.superscope.reports.plot.OverlapPlot}
 * draws the mean squared overlap against 1/m on log-log axes, one colour per family with its fitted
 * power law, beside the 1/m line the superposition picture predicts (the paper's Figure 8a);
 * {@link dev.superscope.reports.plot.LossPlot} draws each loss minus its fitted offset against m with the
 * joint fit's A * m^-alpha (Figure 8b); {@link dev.superscope.reports.plot.StepPlot} draws each training
 * sweep's overlaps against the training step. {@code ChartStyle} holds what the plots share.
 */
package dev.superscope.reports.plot;
