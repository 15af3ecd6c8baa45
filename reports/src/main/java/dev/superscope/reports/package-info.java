/**
 * The report stage: turns what the loaders found and the analyzers measured into the files a run
 * leaves behind — {@code models.csv} (one {@link dev.superscope.reports.ModelResult} per model and
 * matrix), {@code tokens/<model>.csv} (per-token columns), and, in the sub-packages, {@code fits.csv}
 * and the overlap-versus-1/m plot.
 *
 * <p>Every file is written to a temporary file beside it and renamed into place
 * ({@link dev.superscope.plugins.io.AtomicFiles}), so a reader never sees half a table. A
 * {@link dev.superscope.reports.ResultStore} owns an output directory for the length of a run: it holds a
 * lock so two runs cannot interleave rows, rewrites {@code models.csv} after each finished model and, on
 * the next run, says which models are already done.
 */
package dev.superscope.reports;
