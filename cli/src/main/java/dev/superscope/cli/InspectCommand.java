package dev.superscope.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.superscope.pipeline.tensor.NamedTensor;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.Matrix;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.TensorInfo;
import dev.superscope.plugins.io.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code superscope inspect}: what a checkpoint holds and which matrices the loader picks. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a checkpoint's tensors, dtypes and shapes, the loader detected, n, m and tying "
                + "(or, with --tensor, the named tensor as a vocabulary matrix).")
final class InspectCommand extends Subcommand {
    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory, a weights file, or a hub id "
            + "(org/name[@revision]): read from the Hugging Face cache, else only headers are fetched from the hub.")
    String checkpoint;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--loader", paramLabel = "NAME", description = "Use this loader instead of detecting one.")
    String loaderName;

    @Mixin
    TensorOptions tensorOptions;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = outWriter();
        PrintWriter err = errWriter();
        if (tensorOptions.tensor != null && loaderName != null) {
            throw new SuperscopeException(SuperscopeException.USAGE, "name a tensor (--tensor) or a loader (--loader), not both");
        }
        if (tensorOptions.transpose && tensorOptions.tensor == null) {
            throw new SuperscopeException(SuperscopeException.USAGE, "--transpose applies to a tensor named with --tensor");
        }
        try (Checkpoint ckpt = root.resolver().open(checkpoint)) {
            LoadedModel model = null;
            String whyNoLoader = null;
            if (tensorOptions.tensor != null) {
                // A tensor asked for by name must be there: its absence is the answer, exit 3.
                model = NamedTensor.load(ckpt, tensorOptions.tensor, tensorOptions.transpose);
            } else {
                try {
                    model = root.resolver().architectureFor(ckpt, loaderName).load(ckpt);
                } catch (BadInputException e) {
                    // The tensor list is still worth showing for a checkpoint no loader understands.
                    whyNoLoader = e.getMessage();
                }
            }
            Map<String, Object> report = describe(ckpt, model);
            if (json) {
                out.println(jsonWriter().writeValueAsString(report));
            } else {
                printText(out, ckpt, model);
            }
            out.flush();
            if (whyNoLoader != null) {
                err.println("superscope: no loader: " + Main.safeLine(whyNoLoader));
            } else {
                model.warnings().forEach(w -> err.println("warning: " + Main.safeLine(w)));
            }
            err.flush();
        }
        return 0;
    }

    /**
     * Indented JSON in which names stay whole but no character a terminal could act on is written raw:
     * controls are escaped as JSON requires, DEL and everything beyond ASCII (C1 controls, bidirectional
     * overrides) as JSON unicode escapes too.
     */
    private static ObjectWriter jsonWriter() {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        mapper.getFactory().setCharacterEscapes(new CharacterEscapes() {
            private static final long serialVersionUID = 1L;
            private final int[] ascii = withDel(CharacterEscapes.standardAsciiEscapesForJSON());

            @Override
            public int[] getEscapeCodesForAscii() {
                return ascii;
            }

            @Override
            public SerializableString getEscapeSequence(int ch) {
                return null; // the standard unicode escape for every escaped character
            }
        });
        return mapper.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII);
    }

    private static int[] withDel(int[] escapes) {
        int[] out = java.util.Arrays.copyOf(escapes, Math.max(escapes.length, 0x80));
        out[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
        return out;
    }

    static Map<String, Object> describe(Checkpoint ckpt, LoadedModel model) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("loader", model == null ? null : model.loader());
        r.put("architecture", model != null ? model.architecture()
                : ckpt.config().architecture().isEmpty() ? null : ckpt.config().architecture());
        r.put("tied", model == null ? null : model.tied());
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (TensorInfo t : ckpt.tensors().tensors()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", t.name());
            e.put("dtype", t.dtype().name());
            e.put("shape", t.shape());
            tensors.add(e);
        }
        r.put("tensors", tensors);
        r.put("embedding", model == null ? null : matrix(model.embedding()));
        r.put("unembedding", model == null || !model.has(MatrixKind.UNEMBEDDING) ? null : matrix(model.unembedding()));
        r.put("tokenizer_vocab", ckpt.tokenizer().vocabSize().isPresent() ? ckpt.tokenizer().vocabSize().getAsInt() : null);
        if (model != null) {
            MatrixKind head = model.has(MatrixKind.UNEMBEDDING) ? MatrixKind.UNEMBEDDING : MatrixKind.EMBEDDING;
            r.put("hidden_size", model.hiddenSize());
            r.put("padded_rows", model.paddedRows(head));
            r.put("no_unembedding", model.noUnembedding());
            r.put("warnings", model.warnings());
        }
        return r;
    }

    private static Map<String, Object> matrix(Matrix m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("tensor", m.name());
        e.put("n", m.rows());
        e.put("m", m.cols());
        e.put("dtype", m.dtype().name());
        return e;
    }

    /**
     * The text report. Every name in it came from a file or a server (tensor names, config values, the
     * hub's paths): each is escaped for the terminal, and tensor names are cut to {@value #NAME_CHARS}
     * characters so one long name cannot widen every line (--json has them whole).
     */
    private void printText(PrintWriter out, Checkpoint ckpt, LoadedModel model) {
        out.printf("checkpoint    %s%n", shown(ckpt.id()));
        out.printf("directory     %s%n", shown(ckpt.directory().toAbsolutePath().normalize().toString()));
        out.printf("source        %s%n", shown(ckpt.tensors().describe()));
        if (model != null) {
            out.printf("loader        %s (%s)%n", shown(model.loader()), shown(model.architecture()));
            out.printf("tied          %s%n", model.tied());
            out.printf("hidden size   %d%n", model.hiddenSize());
            for (MatrixKind kind : MatrixKind.values()) {
                if (!model.has(kind)) {
                    out.printf("%-13s (none: %s)%n", kind.label(), Main.safeLine(model.noUnembedding()));
                    continue;
                }
                Matrix m = model.matrix(kind);
                out.printf("%-13s %s  n=%d m=%d %s%s%n", kind.label(), name(m.name()), m.rows(), m.cols(), m.dtype(),
                        tensorOptions.transpose ? " (transposed)" : "");
            }
        } else {
            out.printf("loader        (none)%n");
        }
        if (ckpt.tokenizer().vocabSize().isPresent()) {
            int vocab = ckpt.tokenizer().vocabSize().getAsInt();
            out.printf("tokenizer     %d tokens%s%n", vocab, model == null || !model.has(MatrixKind.UNEMBEDDING) ? ""
                    : "; " + model.paddedRows(MatrixKind.UNEMBEDDING) + " padded rows in the LM head");
        } else {
            out.printf("tokenizer     (no tokenizer files)%n");
        }
        List<TensorInfo> tensors = ckpt.tensors().tensors();
        int width = tensors.stream().mapToInt(t -> name(t.name()).length()).max().orElse(4);
        out.printf("tensors (%d):%n", tensors.size());
        for (TensorInfo t : tensors) {
            out.printf("  %-" + width + "s  %-7s %s%n", name(t.name()), t.dtype(), t.shapeString());
        }
    }

    /** Longest tensor name shown in the text report. */
    static final int NAME_CHARS = 80;

    private static String name(String tensor) {
        return TerminalText.safe(tensor, NAME_CHARS);
    }

    private static String shown(String field) {
        return TerminalText.safe(field, Main.MAX_LINE_CHARS);
    }
}
