package dev.superscope.cli;

import dev.superscope.plugins.architecture.Architecture;
import dev.superscope.plugins.architecture.ForwardPrecision;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.superscope.plugins.architecture.ForwardModel;
import dev.superscope.plugins.architecture.ForwardPrecision;
import dev.superscope.plugins.Checkpoint;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.SuperscopeException;
import dev.superscope.plugins.io.TerminalText;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code superscope logits}: the model's next-token logits for one token sequence, from its own weights. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Run the checkpoint's forward pass on one token sequence and print its next-token logits "
                + "(for checking against transformers).")
final class LogitsCommand extends Subcommand {
    private static final int TOP = 5;

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint directory, a weights file, or a hub id.")
    String checkpoint;

    @Option(names = "--ids", required = true, paramLabel = "ID,ID,...", description = "Token ids, comma-separated.")
    String ids;

    @Option(names = "--json", description = "Print {\"ids\": [...], \"logits\": [[...], ...]}: every logit "
            + "at every position.")
    boolean json;

    @Option(names = "--precision", paramLabel = "float64|float32", defaultValue = "float64",
            description = "Floating type of the computation (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--loader", paramLabel = "NAME", description = "Use this architecture instead of detecting one.")
    String loaderName;

    @Override
    public Integer call() throws JsonProcessingException {
        long[] tokens = parseIds(ids);
        ForwardPrecision p = ForwardPrecision.parse(precision);
        Checkpoint opened = root.resolver().open(checkpoint);
        try (opened) {
            Architecture architecture = root.resolver().architectureFor(opened, loaderName);
            LoadedModel model = architecture.load(opened);
            try (ForwardModel forward = architecture.forward(opened, root.forward(p))) {
            double[][] logits = forward.logits(tokens);
            PrintWriter out = outWriter();
            if (json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("ids", tokens);
                r.put("logits", logits);
                out.println(new ObjectMapper().writeValueAsString(r));
            } else {
                printTable(out, model, forward, tokens, logits);
            }
            out.flush();
            }
        }
        return 0;
    }

    static long[] parseIds(String text) {
        List<Long> list = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String s = part.strip();
            try {
                list.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new SuperscopeException(SuperscopeException.USAGE,
                        "--ids: \"" + s + "\" is not a token id; give integers separated by commas");
            }
        }
        return list.stream().mapToLong(Long::longValue).toArray();
    }

    private static void printTable(PrintWriter out, LoadedModel model, ForwardModel forward, long[] tokens,
                                   double[][] logits) {
        out.printf("model         %s (%s, forward pass %s)%n", TerminalText.safe(model.checkpoint().id(), 200),
                TerminalText.safe(model.architecture(), 200), TerminalText.safe(forward.architecture(), 200));
        out.printf("vocabulary    %d rows in the LM head%n", logits[0].length);
        out.printf("%-5s %-8s  top %d next tokens (id: logit)%n", "pos", "id", TOP);
        for (int t = 0; t < tokens.length; t++) {
            StringBuilder line = new StringBuilder();
            for (int id : top(logits[t], TOP)) {
                line.append(String.format(Locale.ROOT, "  %6d: %10.5f", id, logits[t][id]));
            }
            out.printf("%-5d %-8d%s%n", t, tokens[t], line);
        }
    }

    /** Indices of the {@code k} largest values, largest first (ties: smaller index first). */
    static int[] top(double[] values, int k) {
        int n = Math.min(k, values.length);
        int[] best = new int[n];
        boolean[] taken = new boolean[values.length];
        for (int r = 0; r < n; r++) {
            int arg = -1;
            for (int i = 0; i < values.length; i++) {
                if (!taken[i] && (arg < 0 || values[i] > values[arg] || Double.isNaN(values[arg]))) {
                    arg = i;
                }
            }
            taken[arg] = true;
            best[r] = arg;
        }
        return best;
    }
}
