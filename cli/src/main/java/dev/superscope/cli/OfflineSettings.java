package dev.superscope.cli;

/**
 * Keeps DJL from phoning home: its tracking and model-zoo lookups are switched off before any DJL class
 * loads. Plots render without a display.
 */
final class OfflineSettings {
    private OfflineSettings() {
    }

    static void apply() {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
    }
}
