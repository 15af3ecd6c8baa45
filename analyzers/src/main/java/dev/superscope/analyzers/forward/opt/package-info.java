/**
 * The OPT forward pass ({@code model_type opt}): learned positions with OPT's offset of 2, pre- or
 * post-layer-norm blocks, and the {@code project_in}/{@code project_out} of OPT-350m.
 */
package dev.superscope.analyzers.forward.opt;
