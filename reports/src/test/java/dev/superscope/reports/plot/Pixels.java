package dev.superscope.reports.plot;

import java.awt.Color;
import java.awt.image.BufferedImage;

/** What the plot tests look for in a rendered chart: how much of it is drawn in a colour. */
final class Pixels {
    private Pixels() {
    }

    /**
     * Pixels within a small distance of {@code c} (the sum of the channel differences under 12), so that
     * anti-aliased edges of a series still count as its colour.
     */
    static int countNear(BufferedImage image, Color c) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                Color p = new Color(image.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
                        + Math.abs(p.getBlue() - c.getBlue()) < 12) {
                    n++;
                }
            }
        }
        return n;
    }
}
