/**
 * The built-in DistilBERT loader, {@link dev.superscope.architectures.distilbert.DistilBertArchitecture}:
 * word embeddings and the {@code vocab_projector}.
 */
package dev.superscope.architectures.distilbert;
