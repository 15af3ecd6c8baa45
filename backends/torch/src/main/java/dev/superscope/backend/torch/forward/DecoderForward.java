package dev.superscope.backend.torch.forward;

import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.TokenScores;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.superscope.plugins.ModelConfig;
import dev.superscope.plugins.SuperscopeException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * What every architecture's forward pass shares: the checks on the token ids, and the layer-by-layer
 * pass. Every window of a batch is embedded; then, layer by layer, the layer's weights are read
 * ({@link Weights#get}), the layer is applied to every window, and the weights are released before the
 * next layer, so a pass holds one layer's weights plus the batch's activations (and the embeddings and
 * head, which subclasses read in their constructor). Subclasses say how to apply one layer and the head
 * to one window's {@code [T, width]} states, and how to embed ids when it takes more than looking them up
 * in the token embedding.
 */
public abstract class DecoderForward implements ForwardModel {
    /** Logit elements a head block may hold: rows of the head are applied a block of positions at a time. */
    private static final long HEAD_BLOCK_ELEMENTS = 1L << 22;

    private final String architecture;
    /** The checkpoint's weights in the working precision. */
    protected final Weights weights;
    /** Arrays every window of a pass reuses (masks, rotary tables), freed when the pass ends. */
    private final Map<String, NDArray> shared = new HashMap<>();
    /** Tensor-name prefix of every layer, before the layer index; set by {@link #declareLayers}. */
    private String layerNames = "";
    private int layerCount;
    /** The token embedding {@code [vocab, width]}; set by {@link #readTokenEmbedding}. */
    private NDArray tokenEmbedding;
    /** A learned position table, in models that have one ({@link #readPositionTable}). */
    private NDArray positionTable;
    /** The row of {@link #positionTable} that embeds position 0. */
    private int positionOffset;

    protected DecoderForward(String architecture, Weights weights) {
        this.architecture = architecture;
        this.weights = weights;
    }

    @Override
    public final String architecture() {
        return architecture;
    }

    /** The names of the weights held on the engine now (a pass holds one layer's at a time). */
    public final java.util.Set<String> residentWeights() {
        return weights.resident();
    }

    /** The positions of the learned position table, if there is one; else -1: no limit. */
    @Override
    public int maxPositions() {
        return positionTable == null ? -1 : (int) positionTable.getShape().get(0) - positionOffset;
    }

    /**
     * Declares the decoder's {@code count} layers, the tensors of layer i being named
     * {@code layerNames + i + "."}, and checks every layer's weights now: {@code readLayer} reads layer
     * i's weights, here inside {@link Weights#checkOnly} so nothing is kept. Subclass constructors call
     * it once, before a pass can run.
     */
    protected final void declareLayers(String layerNames, int count, IntConsumer readLayer) {
        this.layerNames = layerNames;
        this.layerCount = count;
        weights.checkOnly(() -> {
            for (int i = 0; i < count; i++) {
                readLayer.accept(i);
            }
        });
    }

    /**
     * Reads the token embedding {@code name}, {@code [vocab, width]}: its rows are the vocabulary
     * ({@link #vocabSize}) and {@link #embed} looks ids up in it. Subclass constructors call it once.
     */
    protected final NDArray readTokenEmbedding(String name) {
        tokenEmbedding = weights.get(name);
        return tokenEmbedding;
    }

    /**
     * Reads a learned position table {@code name}, whose row {@code offset + i} embeds position i (OPT
     * starts at row 2): its rows bound {@link #maxPositions}, and {@link #positionEmbeddings} reads it.
     */
    protected final void readPositionTable(String name, int offset) {
        positionTable = weights.get(name);
        positionOffset = offset;
    }

    /** The learned embeddings of positions 0 .. length-1, {@code [length, width]}. */
    protected final NDArray positionEmbeddings(int length) {
        return Layers.embed(positionTable, Layers.positions(length, positionOffset));
    }

    /** The rows of the token embedding. */
    @Override
    public long vocabSize() {
        return tokenEmbedding.getShape().get(0);
    }

    /** Number of layers (blocks). */
    protected final int layerCount() {
        return layerCount;
    }

    /**
     * The prefix every tensor name of layer {@code layer} starts with, and no other tensor's: its weights
     * are released by this prefix after the layer has run on every window.
     */
    protected final String layerPrefix(int layer) {
        return layerNames + layer + ".";
    }

    /**
     * The LM head: the token embedding itself ({@link #readTokenEmbedding}, read before) when the config's
     * {@code tie_word_embeddings} (default {@code tiedByDefault}) says so, else the tensor {@code headName}.
     */
    protected final NDArray lmHead(ModelConfig config, boolean tiedByDefault, String headName) {
        return ConfigValues.boolOr(config, "tie_word_embeddings", tiedByDefault) ? tokenEmbedding : weights.get(headName);
    }

    /**
     * The input of the first layer, {@code [T, width]}, for valid {@code ids}: here their rows of the token
     * embedding; a model that adds positions, projects or normalises them overrides it.
     */
    protected NDArray embed(long[] ids) {
        return Layers.embed(tokenEmbedding, ids);
    }

    /**
     * Layer {@code layer} applied to one window's states {@code [T, width]}; it reads its weights with
     * {@link Weights#get} (they stay cached until the pass releases them after the last window).
     */
    protected abstract NDArray layer(int layer, NDArray hidden);

    /**
     * The logits {@code [rows, vocab rows of the head]} of final states {@code [rows, width]}: the final
     * norm, any projection and the LM head. Rows are independent, so a block of positions may be passed.
     */
    protected abstract NDArray head(NDArray hidden);

    /**
     * An array that every window and layer of the current pass may share (a mask or rotary table of one
     * length), made once per pass by {@code make} and freed when the pass ends.
     */
    protected final NDArray shared(String key, Supplier<NDArray> make) {
        NDArray a = shared.get(key);
        if (a == null) {
            a = make.get();
            NDScope.unregister(a);
            shared.put(key, a);
        }
        return a;
    }

    /** The additive causal mask for {@code length} positions (shared within a pass). */
    protected final NDArray causalMask(int length, int slidingWindow) {
        return shared("causal " + length + " " + slidingWindow,
                () -> Layers.causalMask(weights.manager(), length, slidingWindow, weights.dataType()));
    }

    /**
     * {@code rotary} applied to heads {@code [heads, T, headDim]} at positions 0 .. T-1, its cos and sin
     * tables made in the working precision once per length and pass.
     */
    protected final NDArray rotate(Rotary rotary, NDArray heads) {
        int length = (int) heads.getShape().get(1);
        NDArray cos = shared("cos " + length, () -> rotary.tables(weights.manager(), length, weights.dataType())[0]);
        NDArray sin = shared("sin " + length, () -> rotary.tables(weights.manager(), length, weights.dataType())[1]);
        return rotary.apply(heads, cos, sin);
    }

    @Override
    public final double[][] logits(long[] ids) {
        checkIds(ids);
        return pass(List.of(ids), h -> {
            NDArray out = head(h);
            int rows = (int) out.getShape().get(0);
            int cols = (int) out.getShape().get(1);
            double[] flat = out.toType(DataType.FLOAT64, false).toDoubleArray();
            double[][] logits = new double[rows][cols];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(flat, r * cols, logits[r], 0, cols);
            }
            return logits;
        }).get(0);
    }

    @Override
    public final List<TokenScores> score(List<long[]> sequences) {
        List<long[]> inputs = new ArrayList<>();
        for (long[] s : sequences) {
            if (s.length < 2) {
                throw new SuperscopeException(SuperscopeException.USAGE, "a window to score needs at least 2 "
                        + "tokens (inputs and the token after them), not " + s.length);
            }
            // Targets are checked against the head's rows in scoreRows; they need not be embeddable.
            long[] input = Arrays.copyOf(s, s.length - 1);
            checkIds(input);
            inputs.add(input);
        }
        int[] next = {0};
        return pass(inputs, h -> {
            long[] s = sequences.get(next[0]++);
            return scoreRows(h, Arrays.copyOfRange(s, 1, s.length));
        });
    }

    /** Log-probability of each target and arg-max per row of final states, the head applied in row blocks. */
    private TokenScores scoreRows(NDArray hidden, long[] targets) {
        int rows = (int) hidden.getShape().get(0);
        double[] logProb = new double[rows];
        int[] argmax = new int[rows];
        int block = (int) Math.max(1, Math.min(rows, HEAD_BLOCK_ELEMENTS / Math.max(1, vocabSize())));
        for (int first = 0; first < rows; first += block) {
            int count = Math.min(block, rows - first);
            try (NDScope scope = new NDScope()) {
                NDArray logits = head(hidden.get(first + ":" + (first + count))).toType(DataType.FLOAT64, false);
                long cols = logits.getShape().get(1);
                long[] wanted = Arrays.copyOfRange(targets, first, first + count);
                for (long id : wanted) {
                    if (id < 0 || id >= cols) {
                        throw new SuperscopeException(SuperscopeException.BAD_INPUT, "token id " + id
                                + " has no row among the " + cols + " logits of the LM head");
                    }
                }
                NDArray index = logits.getManager().create(wanted).reshape(count, 1);
                double[] lp = logits.logSoftmax(1).gather(index, 1).toDoubleArray();
                long[] best = logits.argMax(1).toLongArray();
                System.arraycopy(lp, 0, logProb, first, count);
                for (int r = 0; r < count; r++) {
                    argmax[first + r] = (int) best[r];
                }
            }
        }
        return new TokenScores(logProb, argmax);
    }

    /**
     * Embeds every window, runs the layers one at a time over all of them (each layer's weights released
     * after its last window), then reads each window's final states out with {@code readOut}.
     */
    private <R> List<R> pass(List<long[]> inputs, Function<NDArray, R> readOut) {
        List<NDArray> hidden = new ArrayList<>();
        try {
            for (long[] ids : inputs) {
                hidden.add(kept(() -> embed(ids)));
            }
            for (int layer = 0; layer < layerCount(); layer++) {
                try {
                    for (int w = 0; w < hidden.size(); w++) {
                        NDArray h = hidden.get(w);
                        int l = layer;
                        NDArray next = kept(() -> layer(l, h));
                        if (next != h) {
                            h.close();
                        }
                        hidden.set(w, next);
                    }
                } finally {
                    weights.release(layerPrefix(layer));
                }
            }
            List<R> out = new ArrayList<>();
            for (NDArray h : hidden) {
                try (NDScope scope = new NDScope()) {
                    out.add(readOut.apply(h));
                }
            }
            return out;
        } catch (SuperscopeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SuperscopeException(1, architecture + " forward pass failed in the engine: "
                    + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "), e);
        } finally {
            hidden.forEach(NDArray::close);
            shared.values().forEach(NDArray::close);
            shared.clear();
        }
    }

    /** The result of {@code step}, every intermediate array it made freed, the result kept. */
    private static NDArray kept(Supplier<NDArray> step) {
        try (NDScope scope = new NDScope()) {
            NDArray out = step.get();
            NDScope.unregister(out);
            return out;
        }
    }

    private void checkIds(long[] ids) {
        if (ids.length == 0) {
            throw new SuperscopeException(SuperscopeException.USAGE, "no token ids given");
        }
        if (maxPositions() > 0 && ids.length > maxPositions()) {
            throw new SuperscopeException(SuperscopeException.USAGE, ids.length + " token ids exceed the "
                    + maxPositions() + " positions of this " + architecture + " model");
        }
        long vocab = vocabSize();
        for (long id : ids) {
            if (id < 0 || id >= vocab) {
                throw new SuperscopeException(SuperscopeException.USAGE, "token id " + id
                        + " is outside the vocabulary of " + vocab + " tokens (valid ids: 0.." + (vocab - 1) + ")");
            }
        }
    }

    @Override
    public void close() {
        weights.close();
    }
}
