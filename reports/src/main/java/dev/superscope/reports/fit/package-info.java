/**
 * Scaling-law fits: how a metric such as the mean squared overlap scales with the model width m within
 * a family. {@link dev.superscope.reports.fit.ScalingFits} fits log(metric) against log(m) by ordinary
 * least squares ({@link dev.superscope.reports.fit.LineFit}), with a 95% interval for the slope from the
 * Student t distribution ({@link dev.superscope.reports.fit.StudentT}), and
 * {@link dev.superscope.reports.fit.FitsCsv} writes the rows to {@code fits.csv}. The superposition
 * prediction is a slope of -1 (overlap ~ 1/m).
 *
 * <p>The losses the models reach ({@code loss_<dataset>} metrics) are fitted by
 * {@link dev.superscope.reports.fit.LossFits} to the paper's law loss = A * m^-alpha + c(family, dataset),
 * jointly over every family and per family ({@link dev.superscope.reports.fit.JointLossFit}: nonlinear
 * least squares by Levenberg-Marquardt from a grid's best alpha, standard errors from the Jacobian); the
 * paper found alpha = 0.91.
 *
 * <p>The numerics are Hipparchus's (the t distribution, QR least squares, Levenberg-Marquardt, Cholesky):
 * this package decides what is fitted and how the results are reported, not how to compute them.
 */
package dev.superscope.reports.fit;
