/**
 * Training sweeps in the report: rows of one models.yaml entry taken at several hub revisions
 * ({@code revisions:}), read back as (sweep, step) points ({@link dev.superscope.reports.sweep.SweepPoint})
 * and fitted per revision ({@link dev.superscope.reports.sweep.SweepFits}).
 */
package dev.superscope.reports.sweep;
