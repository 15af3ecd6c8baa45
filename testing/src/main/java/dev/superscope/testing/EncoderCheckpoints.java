package dev.superscope.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * BERT-family checkpoints as transformers saves them, written at test time: config.json shaped as
 * transformers 4.47's {@code save_pretrained} writes it, the exact tensor names of the saved state dict,
 * the real bert-base-uncased {@code vocab.txt} (see {@code bert-base-uncased/PROVENANCE.md}) where the
 * family uses it, and seeded weights of our own (no one's trained weights are redistributed). One
 * transformer layer, width {@link #WIDTH}.
 *
 * <p>The word embeddings are Gaussian, except that the {@code [unusedN]} rows (BERT ids 1..99 and
 * 104..998) are a tenth as long, as the untrained rows of the real model are visibly shorter.
 */
public final class EncoderCheckpoints {
    /** The model width m. */
    public static final int WIDTH = 8;
    /** Rows of the bert-base-uncased vocabulary. */
    public static final int BERT_VOCAB = 30522;
    /** Rows of the RoBERTa checkpoints (no tokenizer is written for them). */
    public static final int ROBERTA_VOCAB = 1000;

    /** Which model of the family, and how its head was saved. */
    public enum Layout {
        /** The masked-LM model saved by transformers: decoder tied, hence dropped; its bias and transform kept. */
        MASKED_LM_TIED,
        /** The masked-LM model with the tied decoder stored too, equal to the embedding (old .bin conversions). */
        MASKED_LM_DECODER_STORED,
        /** As {@link #MASKED_LM_DECODER_STORED} but one decoder row differs while config.json ties them. */
        MASKED_LM_STORED_DIFFERENT,
        /** {@code tie_word_embeddings: false}: a decoder of its own. */
        MASKED_LM_UNTIED,
        /** The bare encoder ({@code BertModel} etc.): no prefix, no head. */
        BARE
    }

    /** The three families, with their names. */
    public enum Family {
        BERT("bert", "BertForMaskedLM", "BertModel", "bert.", "cls.predictions.decoder.weight", BERT_VOCAB),
        ROBERTA("roberta", "RobertaForMaskedLM", "RobertaModel", "roberta.", "lm_head.decoder.weight", ROBERTA_VOCAB),
        DISTILBERT("distilbert", "DistilBertForMaskedLM", "DistilBertModel", "distilbert.", "vocab_projector.weight",
                BERT_VOCAB);

        final String modelType;
        final String maskedLm;
        final String bare;
        final String prefix;
        /** The masked-LM decoder's weight, as transformers names it. */
        public final String decoder;
        /** Rows of the vocabulary. */
        public final int vocab;

        Family(String modelType, String maskedLm, String bare, String prefix, String decoder, int vocab) {
            this.modelType = modelType;
            this.maskedLm = maskedLm;
            this.bare = bare;
            this.prefix = prefix;
            this.decoder = decoder;
            this.vocab = vocab;
        }

        /** The word embeddings' name in a checkpoint of this layout. */
        public String wordEmbeddings(Layout layout) {
            return (layout == Layout.BARE ? "" : prefix) + "embeddings.word_embeddings.weight";
        }
    }

    private EncoderCheckpoints() {
    }

    /** The word embeddings every layout of {@code family} stores (seed 7). */
    public static float[] wordEmbeddings(Family family) {
        float[] w = TestModels.gaussianValues(family.vocab * WIDTH, 7);
        if (family != Family.ROBERTA) {
            for (int id = 1; id < 999; id++) {
                if (id < 100 || id > 103) {
                    for (int c = 0; c < WIDTH; c++) {
                        w[id * WIDTH + c] *= 0.1f;
                    }
                }
            }
        }
        return w;
    }

    /** The decoder a layout stores, or null when it stores none. */
    public static float[] storedDecoder(Family family, Layout layout) {
        return switch (layout) {
            case MASKED_LM_DECODER_STORED -> wordEmbeddings(family);
            case MASKED_LM_STORED_DIFFERENT -> {
                float[] d = wordEmbeddings(family);
                d[(family.vocab - 1) * WIDTH] += 1f;
                yield d;
            }
            case MASKED_LM_UNTIED -> TestModels.gaussianValues(family.vocab * WIDTH, 8);
            default -> null;
        };
    }

    /** Writes a checkpoint of {@code family} laid out as {@code layout} into {@code dir} (created). */
    public static Path write(Path dir, Family family, Layout layout) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), config(family, layout));
            if (family != Family.ROBERTA) {
                copyVocab(dir.resolve("vocab.txt"));
            }
            SafetensorsFile file = new SafetensorsFile();
            Random random = new Random(11);
            for (String name : encoderTensors(family, layout)) {
                file.add(name, shapeOf(family, name), values(random, shapeOf(family, name)));
            }
            file.add(family.wordEmbeddings(layout), new long[] {family.vocab, WIDTH}, wordEmbeddings(family));
            float[] decoder = storedDecoder(family, layout);
            if (decoder != null) {
                file.add(family.decoder, new long[] {family.vocab, WIDTH}, decoder);
            }
            if (layout != Layout.BARE) {
                for (String name : headTensors(family)) {
                    file.add(name, shapeOf(family, name), values(random, shapeOf(family, name)));
                }
            }
            file.write(dir.resolve("model.safetensors"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the real bert-base-uncased vocab.txt to {@code target}. */
    public static Path copyVocab(Path target) {
        try (InputStream in = EncoderCheckpoints.class.getResourceAsStream("bert-base-uncased/vocab.txt")) {
            if (in == null) {
                throw new IllegalStateException("bert-base-uncased/vocab.txt is missing from the test resources");
            }
            Files.copy(in, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> encoderTensors(Family family, Layout layout) {
        String p = layout == Layout.BARE ? "" : family.prefix;
        List<String> names = new ArrayList<>();
        if (family == Family.DISTILBERT) {
            names.add(p + "embeddings.position_embeddings.weight");
            names.add(p + "embeddings.LayerNorm.weight");
            names.add(p + "embeddings.LayerNorm.bias");
            String l = p + "transformer.layer.0.";
            for (String lin : new String[] {"attention.q_lin", "attention.k_lin", "attention.v_lin", "attention.out_lin",
                "ffn.lin1", "ffn.lin2"}) {
                names.add(l + lin + ".weight");
                names.add(l + lin + ".bias");
            }
            for (String norm : new String[] {"sa_layer_norm", "output_layer_norm"}) {
                names.add(l + norm + ".weight");
                names.add(l + norm + ".bias");
            }
            return names;
        }
        names.add(p + "embeddings.position_embeddings.weight");
        names.add(p + "embeddings.token_type_embeddings.weight");
        names.add(p + "embeddings.LayerNorm.weight");
        names.add(p + "embeddings.LayerNorm.bias");
        String l = p + "encoder.layer.0.";
        for (String lin : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "intermediate.dense", "output.dense"}) {
            names.add(l + lin + ".weight");
            names.add(l + lin + ".bias");
        }
        for (String norm : new String[] {"attention.output.LayerNorm", "output.LayerNorm"}) {
            names.add(l + norm + ".weight");
            names.add(l + norm + ".bias");
        }
        if (layout == Layout.BARE) {
            names.add(p + "pooler.dense.weight");
            names.add(p + "pooler.dense.bias");
        }
        return names;
    }

    /** The head's tensors besides the decoder weight (which tying drops). */
    private static List<String> headTensors(Family family) {
        return switch (family) {
            case BERT -> List.of("cls.predictions.bias", "cls.predictions.transform.dense.weight",
                    "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
                    "cls.predictions.transform.LayerNorm.bias");
            case ROBERTA -> List.of("lm_head.bias", "lm_head.dense.weight", "lm_head.dense.bias",
                    "lm_head.layer_norm.weight", "lm_head.layer_norm.bias");
            case DISTILBERT -> List.of("vocab_transform.weight", "vocab_transform.bias", "vocab_layer_norm.weight",
                    "vocab_layer_norm.bias", "vocab_projector.bias");
        };
    }

    private static long[] shapeOf(Family family, String name) {
        int m = WIDTH;
        int ffn = 2 * WIDTH;
        if (name.endsWith("position_embeddings.weight")) {
            return new long[] {family == Family.ROBERTA ? 34 : 32, m};
        }
        if (name.endsWith("token_type_embeddings.weight")) {
            return new long[] {family == Family.ROBERTA ? 1 : 2, m};
        }
        if (name.equals("cls.predictions.bias") || name.equals("lm_head.bias") || name.equals("vocab_projector.bias")) {
            return new long[] {family.vocab};
        }
        if (name.contains("intermediate.dense") || name.contains("ffn.lin1")) {
            return name.endsWith("bias") ? new long[] {ffn} : new long[] {ffn, m};
        }
        if ((name.contains("layer.0.output.dense") || name.contains("ffn.lin2")) && name.endsWith("weight")) {
            return new long[] {m, ffn};
        }
        boolean matrix = name.endsWith(".weight") && !name.contains("LayerNorm") && !name.contains("layer_norm");
        return matrix ? new long[] {m, m} : new long[] {m};
    }

    private static float[] values(Random random, long[] shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] v = new float[(int) count];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.02 * random.nextGaussian());
        }
        return v;
    }

    private static String config(Family family, Layout layout) {
        String architecture = layout == Layout.BARE ? family.bare : family.maskedLm;
        String tie = layout == Layout.MASKED_LM_UNTIED ? "  \"tie_word_embeddings\": false,\n" : "";
        return switch (family) {
            case BERT -> "{\n  \"architectures\": [\n    \"" + architecture + "\"\n  ],\n"
                    + "  \"attention_probs_dropout_prob\": 0.1,\n  \"classifier_dropout\": null,\n"
                    + "  \"hidden_act\": \"gelu\",\n  \"hidden_dropout_prob\": 0.1,\n  \"hidden_size\": " + WIDTH + ",\n"
                    + "  \"initializer_range\": 0.02,\n  \"intermediate_size\": " + 2 * WIDTH + ",\n"
                    + "  \"layer_norm_eps\": 1e-12,\n  \"max_position_embeddings\": 32,\n  \"model_type\": \"bert\",\n"
                    + "  \"num_attention_heads\": 2,\n  \"num_hidden_layers\": 1,\n  \"pad_token_id\": 0,\n"
                    + "  \"position_embedding_type\": \"absolute\",\n" + tie + "  \"torch_dtype\": \"float32\",\n"
                    + "  \"transformers_version\": \"4.47.1\",\n  \"type_vocab_size\": 2,\n  \"use_cache\": true,\n"
                    + "  \"vocab_size\": " + family.vocab + "\n}\n";
            case ROBERTA -> "{\n  \"architectures\": [\n    \"" + architecture + "\"\n  ],\n"
                    + "  \"attention_probs_dropout_prob\": 0.1,\n  \"bos_token_id\": 0,\n  \"classifier_dropout\": null,\n"
                    + "  \"eos_token_id\": 2,\n  \"hidden_act\": \"gelu\",\n  \"hidden_dropout_prob\": 0.1,\n"
                    + "  \"hidden_size\": " + WIDTH + ",\n  \"initializer_range\": 0.02,\n"
                    + "  \"intermediate_size\": " + 2 * WIDTH + ",\n  \"layer_norm_eps\": 1e-05,\n"
                    + "  \"max_position_embeddings\": 34,\n  \"model_type\": \"roberta\",\n"
                    + "  \"num_attention_heads\": 2,\n  \"num_hidden_layers\": 1,\n  \"pad_token_id\": 1,\n"
                    + "  \"position_embedding_type\": \"absolute\",\n" + tie + "  \"torch_dtype\": \"float32\",\n"
                    + "  \"transformers_version\": \"4.47.1\",\n  \"type_vocab_size\": 1,\n  \"use_cache\": true,\n"
                    + "  \"vocab_size\": " + family.vocab + "\n}\n";
            case DISTILBERT -> "{\n  \"activation\": \"gelu\",\n  \"architectures\": [\n    \"" + architecture
                    + "\"\n  ],\n  \"attention_dropout\": 0.1,\n  \"dim\": " + WIDTH + ",\n  \"dropout\": 0.1,\n"
                    + "  \"hidden_dim\": " + 2 * WIDTH + ",\n  \"initializer_range\": 0.02,\n"
                    + "  \"max_position_embeddings\": 32,\n  \"model_type\": \"distilbert\",\n  \"n_heads\": 2,\n"
                    + "  \"n_layers\": 1,\n  \"pad_token_id\": 0,\n  \"qa_dropout\": 0.1,\n"
                    + "  \"seq_classif_dropout\": 0.2,\n  \"sinusoidal_pos_embds\": false,\n" + tie
                    + "  \"tie_weights_\": true,\n  \"torch_dtype\": \"float32\",\n"
                    + "  \"transformers_version\": \"4.47.1\",\n  \"vocab_size\": " + family.vocab + "\n}\n";
        };
    }
}
