package dev.superscope.plugins;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The tokenizer files found beside a checkpoint's weights and the vocabulary size they define
 * (distinct token ids, added tokens included), which tells real token rows from padding.
 *
 * @param vocabSize     number of token ids the tokenizer can produce, when a tokenizer was found
 * @param tokenizerJson {@code tokenizer.json}, if present
 * @param vocabJson     {@code vocab.json}, if present
 * @param mergesTxt     {@code merges.txt}, if present
 * @param vocabTxt      {@code vocab.txt} (a WordPiece vocabulary: one token per line, the line number its
 *                      id, as BERT and DistilBERT ship it), if present
 */
public record TokenizerInfo(OptionalInt vocabSize, Optional<Path> tokenizerJson, Optional<Path> vocabJson,
                            Optional<Path> mergesTxt, Optional<Path> vocabTxt) {

    /** Tokenizer files without a WordPiece vocab.txt. */
    public TokenizerInfo(OptionalInt vocabSize, Optional<Path> tokenizerJson, Optional<Path> vocabJson,
                         Optional<Path> mergesTxt) {
        this(vocabSize, tokenizerJson, vocabJson, mergesTxt, Optional.empty());
    }

    /** No tokenizer files. */
    public static TokenizerInfo none() {
        return new TokenizerInfo(OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }
}
