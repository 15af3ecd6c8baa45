/**
 * Analysing a tensor by name ({@code --tensor}, {@code tensor:} in models.yaml): any 2-D tensor of any
 * checkpoint as a vocabulary matrix, without an architecture, optionally transposed.
 */
package dev.superscope.pipeline.tensor;
