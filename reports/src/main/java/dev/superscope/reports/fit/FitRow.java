package dev.superscope.reports.fit;

import java.util.List;
import java.util.Optional;

/**
 * One row of {@code fits.csv}: log(metric) fitted on log(m) across one family's models for one matrix,
 * or a row of the loss fit ({@link LossFits}: metric {@code loss} for a fit, {@code loss_offset} for one
 * of its offsets), whose extra values are in {@link #loss()}.
 *
 * @param family         the model family
 * @param matrix         {@code unembedding} or {@code embedding}
 * @param metric         the metric fitted, e.g. {@code msq_overlap}
 * @param nModels        models used (those with a positive, finite value)
 * @param mMin           smallest width among them (0 when none)
 * @param mMax           largest width among them (0 when none)
 * @param slope          the fitted exponent; NaN with fewer than two models or a single width
 * @param slopeStderr    its standard error; NaN with fewer than three models
 * @param slopeCiLow     lower end of the 95% interval (Student t, n - 2 dof); NaN with fewer than three
 * @param slopeCiHigh    upper end of that interval
 * @param r2             coefficient of determination of the log-log fit
 * @param intercept      the fit's intercept in log space: metric ~ exp(intercept) * m^slope (not a
 *                       fits.csv column; used to draw the line)
 * @param predictedSlope what the superposition picture predicts (-1: overlap ~ 1/m)
 * @param skippedModels  models of the group left out because their value was missing, zero or negative
 * @param loss           the loss fit's amplitude, exponent and offset; {@link LossTerms#NONE} on other rows
 */
public record FitRow(String family, String matrix, String metric, int nModels, int mMin, int mMax, double slope,
                     double slopeStderr, double slopeCiLow, double slopeCiHigh, double r2, double intercept,
                     double predictedSlope, List<String> skippedModels, LossTerms loss) {

    public FitRow {
        skippedModels = List.copyOf(skippedModels);
        loss = loss == null ? LossTerms.NONE : loss;
    }

    /** A row of a log-log fit, without loss terms. */
    public FitRow(String family, String matrix, String metric, int nModels, int mMin, int mMax, double slope,
                  double slopeStderr, double slopeCiLow, double slopeCiHigh, double r2, double intercept,
                  double predictedSlope, List<String> skippedModels) {
        this(family, matrix, metric, nModels, mMin, mMax, slope, slopeStderr, slopeCiLow, slopeCiHigh, r2, intercept,
                predictedSlope, skippedModels, LossTerms.NONE);
    }

    /** Whether the interval contains the predicted slope; empty when there is no interval. */
    public Optional<Boolean> consistentWithPrediction() {
        if (Double.isNaN(slopeCiLow) || Double.isNaN(slopeCiHigh)) {
            return Optional.empty();
        }
        return Optional.of(slopeCiLow <= predictedSlope && predictedSlope <= slopeCiHigh);
    }

    /** The fitted metric at width m, exp(intercept) * m^slope; NaN without a fit. */
    public double predictAt(double m) {
        return Math.exp(intercept + slope * Math.log(m));
    }
}
