package dev.superscope.reports.fit;

import java.util.Objects;

/**
 * What a {@code fits.csv} row of the loss fit carries beyond the log-log columns (see {@link LossFits}):
 * the shared amplitude and exponent of loss = A * m^(-alpha) + offset, and for an offset row its
 * dataset and offset. Rows of the overlap fits carry {@link #NONE}, whose cells are empty.
 *
 * @param dataset      the dataset (corpus) of an offset row; empty on a fit row
 * @param fitFamily    the fit the row belongs to: {@code all} for the joint fit, else the family fitted alone
 * @param nPoints      (model, dataset) losses the fit used (a fit row) or the offset's group holds (an offset row)
 * @param a            the fitted amplitude A
 * @param aStderr      its standard error
 * @param alpha        the fitted exponent alpha (the row's slope is -alpha)
 * @param alphaStderr  its standard error
 * @param offset       the (family, dataset) offset c of an offset row; NaN on a fit row
 * @param offsetStderr its standard error
 */
public record LossTerms(String dataset, String fitFamily, int nPoints, double a, double aStderr, double alpha,
                        double alphaStderr, double offset, double offsetStderr) {

    /** The empty terms of a row that is not a loss fit. */
    public static final LossTerms NONE = new LossTerms("", "", 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN);

    public LossTerms {
        dataset = Objects.requireNonNull(dataset, "dataset");
        fitFamily = Objects.requireNonNull(fitFamily, "fitFamily");
    }

    /** True for the terms of a loss fit row or offset row, false for {@link #NONE}. */
    public boolean present() {
        return !fitFamily.isEmpty();
    }
}
