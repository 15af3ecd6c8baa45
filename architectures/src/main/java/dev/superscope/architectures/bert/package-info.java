/**
 * The built-in BERT loader, {@link dev.superscope.architectures.bert.BertArchitecture}: the word embeddings
 * and the masked-LM decoder of a BERT checkpoint, tied or stored, or no decoder for a bare encoder. The
 * shared rules (name alternatives, tying, head markers) are in
 * {@link dev.superscope.plugins.architecture.VocabularyMatrices}.
 */
package dev.superscope.architectures.bert;
