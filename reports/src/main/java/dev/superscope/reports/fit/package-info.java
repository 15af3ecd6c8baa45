/**
 * Scaling-law fits: how a metric such as the mean squared overlap scales with the model width m within
 * a family. {@link dev.superscope.reports.fit.ScalingFits} fits log(metric) against log(m) by ordinary
 * least squares ({@link dev.superscope.reports.fit.LineFit}), with a 95% interval for the slope from the
 * Student t distribution ({@link dev.superscope.reports.fit.StudentT}, computed here rather than pulled
 * in from a statistics library), and {@link dev.superscope.reports.fit.FitsCsv} writes the rows to
 * {@code fits.csv}. The superposition prediction is a slope of -1 (overlap ~ 1/m).
 */
package dev.superscope.reports.fit;
