package dev.superscope.reports.fit;

/** The log-gamma function and the regularized incomplete beta function, to double precision. */
final class SpecialFunctions {

    private static final double[] LANCZOS = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final int MAX_ITERATIONS = 100_000;
    private static final double EPS = 1e-16;
    private static final double TINY = 1e-300;

    private SpecialFunctions() {
    }

    /** ln Gamma(x) for x > 0 (Lanczos approximation, g = 7, about 15 significant digits). */
    static double logGamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("logGamma needs x > 0, not " + x);
        }
        if (x < 0.5) {
            // Reflection keeps the series in the range where it is accurate.
            return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
        }
        double z = x - 1;
        double sum = LANCZOS[0];
        for (int i = 1; i < LANCZOS.length; i++) {
            sum += LANCZOS[i] / (z + i);
        }
        double t = z + 7.5;
        return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }

    /**
     * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b). When one argument is large (a t
     * distribution with many degrees of freedom) the three log-gammas are huge and nearly cancel, so the
     * difference ln Gamma(big) - ln Gamma(big + small) is taken from Stirling's series instead.
     */
    static double logBeta(double a, double b) {
        double big = Math.max(a, b);
        double small = Math.min(a, b);
        if (big < 10) {
            return logGamma(a) + logGamma(b) - logGamma(a + b);
        }
        double sum = big + small;
        return logGamma(small) + stirlingCorrection(big) - stirlingCorrection(sum)
                - (big - 0.5) * Math.log1p(small / big) - small * Math.log(sum) + small;
    }

    /** ln Gamma(x) - [(x - 1/2) ln x - x + ln(2 pi)/2] for x >= 10, to about 1e-15. */
    private static double stirlingCorrection(double x) {
        double r = 1 / x;
        double r2 = r * r;
        return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))));
    }

    /**
     * The regularized incomplete beta function I_x(a, b) for a, b > 0, with {@code y = 1 - x} passed in
     * separately so that x close to 1 loses no digits.
     */
    static double regularizedBeta(double x, double y, double a, double b) {
        if (!(a > 0 && b > 0)) {
            throw new IllegalArgumentException("incomplete beta needs a, b > 0");
        }
        if (x <= 0) {
            return 0;
        }
        if (y <= 0) {
            return 1;
        }
        double front = Math.exp(a * Math.log(x) + b * Math.log(y) - logBeta(a, b));
        // The continued fraction converges fast for x below the mean a/(a+b); use symmetry above it.
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(y, b, a) / b;
    }

    /** The continued fraction of the incomplete beta function, by the modified Lentz method. */
    private static double continuedFraction(double x, double a, double b) {
        double qab = a + b;
        double qap = a + 1;
        double qam = a - 1;
        double c = 1;
        double d = 1 - qab * x / qap;
        if (Math.abs(d) < TINY) {
            d = TINY;
        }
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= MAX_ITERATIONS; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = 1 + aa / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < TINY) {
                d = TINY;
            }
            c = 1 + aa / c;
            if (Math.abs(c) < TINY) {
                c = TINY;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                return h;
            }
        }
        return h; // converges in O(sqrt(max(a, b))) steps: not reached below a million degrees of freedom
    }
}
