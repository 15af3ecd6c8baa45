/**
 * The built-in RoBERTa-layout loader, {@link dev.superscope.architectures.roberta.RobertaArchitecture}
 * (RoBERTa, XLM-RoBERTa, CamemBERT): word embeddings and the {@code lm_head} decoder.
 */
package dev.superscope.architectures.roberta;
