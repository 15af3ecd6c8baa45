package dev.superscope.plugins.architecture;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.TensorStore;
import dev.superscope.plugins.io.TerminalText;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The logic every built-in loader shares: find the embedding and LM head among their alternative
 * names, decide whether the head is tied, and note where config.json and the stored tensors disagree.
 *
 * <p>Tying follows {@code tie_word_embeddings}, defaulting as transformers does for the family, and
 * what is stored:
 * <ul>
 *   <li>tied, no head stored: the head is the embedding;</li>
 *   <li>tied, a head stored: the stored head is analysed and {@code tied} stays true; if a few sampled
 *       rows (or the shapes) of the two differ, a warning says so;</li>
 *   <li>untied, a head stored: the stored head, {@code tied} false;</li>
 *   <li>untied by the family's default (GPT-NeoX, Llama, ...), no head stored: an error, there is no
 *       head to analyse;</li>
 *   <li>a family that normally ties (GPT-2, OPT) whose config says {@code tie_word_embeddings: false}
 *       but stores no head: the embedding is used as the head, with a warning (transformers would
 *       initialise a random head; the stored embedding is the only head the checkpoint has);</li>
 *   <li>a family with {@linkplain ArchitectureSpec#headMarkers head markers} (the encoders) whose
 *       checkpoint stores neither the head nor any marker: a bare model ({@code BertModel}) with no LM
 *       head at all, loaded {@linkplain LoadedModel#withoutUnembedding without an unembedding}.</li>
 * </ul>
 */
public final class VocabularyMatrices {
    /** Rows compared when a stored head should equal the embedding; enough to catch a real difference. */
    static final int SAMPLE_ROWS = 8;

    private VocabularyMatrices() {
    }

    /**
     * Picks the matrices of {@code checkpoint} as {@code spec} describes.
     *
     * @throws BadInputException naming the checkpoint and the names tried when a needed tensor is
     *                           missing, or when a tensor is not a 2-D matrix
     */
    public static LoadedModel load(Checkpoint checkpoint, ArchitectureSpec spec) {
        TensorStore store = checkpoint.tensors();
        ModelConfig config = checkpoint.config();
        String configName = config.source() == null ? "config.json" : config.source().getFileName().toString();
        List<String> warnings = new ArrayList<>();

        String embeddingName = firstPresent(store, spec.embeddingNames()).orElseThrow(() ->
                missing(checkpoint, spec, "embedding", spec.embeddingNames()));
        Matrix embedding = hasColumns(store.matrix(embeddingName), checkpoint);
        Optional<String> headName = firstPresent(store, spec.headNames());
        Optional<Boolean> configTie = config.bool("tie_word_embeddings");
        boolean tiedByConfig = configTie.orElse(spec.tiedByDefault());

        if (headName.isEmpty() && !spec.headMarkers().isEmpty()
                && firstPresent(store, spec.headMarkers()).isEmpty()) {
            return bareModel(checkpoint, spec, embeddingName, embedding, configName, warnings);
        }
        Matrix unembedding;
        boolean tied;
        if (headName.isPresent()) {
            unembedding = hasColumns(store.matrix(headName.get()), checkpoint);
            tied = tiedByConfig;
            if (tiedByConfig) {
                firstDifference(embedding, unembedding).ifPresent(d -> warnings.add(configName
                        + (configTie.isPresent() ? " ties" : " leaves tie_word_embeddings at its default, which ties")
                        + " the LM head to the embedding, but the stored " + headName.get() + " differs from "
                        + embeddingName + " (" + d + "); analysing the stored head"));
            }
        } else if (tiedByConfig) {
            unembedding = embedding;
            tied = true;
        } else if (spec.tiedByDefault()) {
            unembedding = embedding;
            tied = true;
            warnings.add(configName + " sets tie_word_embeddings false, but no LM head is stored (tried "
                    + String.join(", ", spec.headNames()) + "); using " + embeddingName + " as the LM head");
        } else {
            throw new BadInputException(checkpoint.directory(), "holds no LM head for the " + spec.name()
                    + " loader (tried " + String.join(", ", spec.headNames()) + " in " + store.describe()
                    + ") and the model does not tie it to the embedding (tie_word_embeddings "
                    + (configTie.isPresent() ? "is false" : "defaults to false for " + spec.name()) + ")");
        }

        int hiddenSize = hiddenSize(config, configName, spec, embedding, warnings);
        checkWidth(config, configName, spec, embedding, warnings);
        config.integer("vocab_size").ifPresent(v -> {
            if (v != embedding.rows()) {
                warnings.add(configName + " says vocab_size " + v + " but " + embeddingName + " has "
                        + embedding.rows() + " rows");
            }
        });
        if (!tied && unembedding.rows() != embedding.rows()) {
            warnings.add(unembedding.name() + " has " + unembedding.rows() + " rows but " + embeddingName
                    + " has " + embedding.rows());
        }
        OptionalInt tokenizerVocab = checkpoint.tokenizer().vocabSize();
        if (tokenizerVocab.isPresent() && tokenizerVocab.getAsInt() > unembedding.rows()) {
            warnings.add("the tokenizer defines " + tokenizerVocab.getAsInt() + " token ids but "
                    + unembedding.name() + " has only " + unembedding.rows() + " rows");
        }
        String architecture = config.architecture().isEmpty() ? spec.name() : config.architecture();
        return new LoadedModel(checkpoint, spec.name(), architecture, embedding, unembedding, tied, hiddenSize,
                tokenizerVocab, warnings);
    }

    /** A checkpoint of an encoder stored without its LM head: the embedding is its only vocabulary matrix. */
    private static LoadedModel bareModel(Checkpoint checkpoint, ArchitectureSpec spec, String embeddingName,
                                         Matrix embedding, String configName, List<String> warnings) {
        ModelConfig config = checkpoint.config();
        int hiddenSize = hiddenSize(config, configName, spec, embedding, warnings);
        checkWidth(config, configName, spec, embedding, warnings);
        String architecture = config.architecture().isEmpty() ? spec.name() : config.architecture();
        String reason = "holds no LM head (" + TerminalText.safe(architecture, 80) + " stored without "
                + String.join(", ", spec.headNames()) + " or " + String.join(", ", spec.headMarkers())
                + "): a bare encoder's only vocabulary matrix is its embedding " + embeddingName;
        return LoadedModel.withoutUnembedding(checkpoint, spec.name(), architecture, embedding, hiddenSize,
                checkpoint.tokenizer().vocabSize(), warnings, reason);
    }

    /**
     * {@code m} when it has columns: a matrix of many rows and no columns holds no bytes, yet reporting
     * its rows (a token table per row) would cost work no file size bounds.
     */
    private static Matrix hasColumns(Matrix m, Checkpoint checkpoint) {
        if (m.cols() == 0 && m.rows() > 0) {
            throw new BadInputException(checkpoint.directory(), "tensor " + TerminalText.safe(m.name(), 200) + " in "
                    + checkpoint.tensors().describe() + " has " + m.rows() + " rows but no columns; there is nothing"
                    + " to measure");
        }
        return m;
    }

    /** The first of {@code names} that {@code store} holds. */
    public static Optional<String> firstPresent(TensorStore store, List<String> names) {
        return names.stream().filter(store::contains).findFirst();
    }

    /**
     * Where {@code a} and {@code b} visibly differ, comparing their shapes and {@value #SAMPLE_ROWS}
     * rows spread over the matrix (first and last included), or empty when they agree there. Rows are
     * compared byte for byte when the dtypes match, else after decoding to float32.
     */
    public static Optional<String> firstDifference(Matrix a, Matrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            return Optional.of("shape [" + a.rows() + ", " + a.cols() + "] vs [" + b.rows() + ", " + b.cols() + "]");
        }
        boolean sameType = a.dtype() == b.dtype();
        if (!sameType && !(a.dtype().isDecodable() && b.dtype().isDecodable())) {
            return Optional.of("dtype " + a.dtype() + " vs " + b.dtype());
        }
        for (long row : sampleRows(a.rows())) {
            boolean equal = sameType ? a.rawRows(row, 1).equals(b.rawRows(row, 1))
                    : java.util.Arrays.equals(a.rowsAsFloats(row, 1), b.rowsAsFloats(row, 1));
            if (!equal) {
                return Optional.of("row " + row + " differs");
            }
        }
        return Optional.empty();
    }

    private static TreeSet<Long> sampleRows(long rows) {
        TreeSet<Long> sample = new TreeSet<>();
        if (rows == 0) {
            return sample;
        }
        for (int k = 0; k < SAMPLE_ROWS; k++) {
            sample.add(k * (rows - 1) / (SAMPLE_ROWS - 1));
        }
        return sample;
    }

    private static int hiddenSize(ModelConfig config, String configName, ArchitectureSpec spec, Matrix embedding,
                                  List<String> warnings) {
        OptionalInt fromConfig = config.firstInteger(spec.hiddenSizeKeys().toArray(String[]::new));
        if (fromConfig.isPresent()) {
            return fromConfig.getAsInt();
        }
        warnings.add(configName + " gives no " + String.join(" or ", spec.hiddenSizeKeys())
                + "; the hidden size is taken from " + embedding.name() + "'s " + embedding.cols() + " columns");
        return embedding.cols();
    }

    private static void checkWidth(ModelConfig config, String configName, ArchitectureSpec spec, Matrix embedding,
                                   List<String> warnings) {
        for (String key : spec.widthKeys()) {
            OptionalInt width = config.integer(key);
            if (width.isPresent()) {
                if (width.getAsInt() != embedding.cols()) {
                    warnings.add(configName + " says " + key + " " + width.getAsInt() + " but " + embedding.name()
                            + " has " + embedding.cols() + " columns; m is the matrix's " + embedding.cols());
                }
                return;
            }
        }
    }

    private static BadInputException missing(Checkpoint checkpoint, ArchitectureSpec spec, String what, List<String> tried) {
        return new BadInputException(checkpoint.directory(), "holds no " + what + " tensor for the " + spec.name()
                + " loader (tried " + String.join(", ", tried) + " in " + checkpoint.tensors().describe() + ")");
    }
}
