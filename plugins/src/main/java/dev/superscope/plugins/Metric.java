package dev.superscope.plugins;

/**
 * One named number an analyzer measured. NaN means "not defined for this matrix" (e.g. an overlap with
 * fewer than two valid rows) and is written as an empty CSV cell.
 */
public record Metric(String name, double value) {
}
