package dev.superscope.reports;

import dev.superscope.plugins.AnalysisResult;
import dev.superscope.plugins.LoadedModel;
import dev.superscope.plugins.MatrixKind;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.IntFunction;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes {@code tokens/<model>.csv}: one row per vocabulary row with the analyzers' per-token columns.
 *
 * <p>One file per model, whatever was analysed: columns {@code id, token, padded}, then, for each matrix
 * (unembedding first, then embedding), each per-token column prefixed with the matrix's name —
 * {@code unembedding_norm, unembedding_interference, embedding_norm, ...}. The prefix is there even when
 * only one matrix was analysed, so a column's name never changes its meaning between models.
 * {@code token} is the token's text (empty when no tokenizer was available), {@code padded} is true for
 * rows at or beyond the tokenizer's vocabulary. A column shorter than the file (the tokenizer's rows
 * only, {@code --rows tokenizer}) leaves its remaining cells empty; NaN is an empty cell.
 *
 * <p>Columns named {@code *_id} hold row ids and are written as integers ({@code 123}, not {@code 123.0}).
 * Each id column naming another token, {@code <matrix>_nearest_id} and {@code <matrix>_decode_winner_id},
 * is followed by that token's text, {@code <matrix>_nearest_token} and {@code <matrix>_decode_winner_token}
 * (empty without a tokenizer, or for a padding row).
 *
 * <p>Rows are streamed to the file; nothing but the analyzers' arrays is held.
 */
public final class TokensCsv {

    /** The directory, inside the output directory, holding the token files. */
    public static final String DIRECTORY = "tokens";

    private TokensCsv() {
    }

    /** {@code outDir/tokens/<safe model name>.csv} (see {@link FileNames#safe}). */
    public static Path fileFor(Path outDir, String model) {
        return outDir.resolve(DIRECTORY).resolve(FileNames.safe(model) + ".csv");
    }

    /** Per-token id columns that name another token, whose text follows them in a column of its own. */
    static final List<String> TOKEN_ID_COLUMNS = List.of("nearest_id", "decode_winner_id");

    /** The header {@link #write} would use for these results. */
    public static List<String> columns(Map<MatrixKind, List<AnalysisResult>> byMatrix) {
        List<String> columns = new ArrayList<>(List.of("id", "token", "padded"));
        for (String name : perTokenColumns(byMatrix).keySet()) {
            columns.add(name);
            tokenColumnFor(name).ifPresent(columns::add);
        }
        return columns;
    }

    /** The text column that follows {@code column} ({@code unembedding_nearest_token} after {@code unembedding_nearest_id}). */
    static java.util.Optional<String> tokenColumnFor(String column) {
        for (String idColumn : TOKEN_ID_COLUMNS) {
            if (column.endsWith("_" + idColumn)) {
                return java.util.Optional.of(column.substring(0, column.length() - "_id".length()) + "_token");
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Writes the token table of one model, with as many rows as the largest analysed matrix has.
     *
     * @param file     where to write (atomically)
     * @param model    the model, for its matrices' row counts and its tokenizer's vocabulary size
     * @param token    the text of token id i (never asked for padding ids), or null for none (no tokenizer);
     *                 null results are empty cells
     * @param byMatrix each analysed matrix's analyzer results
     */
    public static void write(Path file, LoadedModel model, IntFunction<String> token,
                             Map<MatrixKind, List<AnalysisResult>> byMatrix) {
        long rows = 0;
        for (MatrixKind kind : byMatrix.keySet()) {
            rows = Math.max(rows, model.matrix(kind).rows());
        }
        if (rows > Integer.MAX_VALUE) {
            throw new SuperscopeException(ReportWriteException.EXIT_CODE, file + ": " + rows + " rows is too many for a token table");
        }
        write(file, (int) rows, token, model.tokenizerVocab(), byMatrix);
    }

    /**
     * Writes a token table of {@code rows} rows.
     *
     * @param file           where to write (atomically)
     * @param rows           number of rows (token ids 0 .. rows-1)
     * @param token          the text of token id i (asked only for ids below {@code tokenizerVocab}), or null
     *                       for none; null results are empty cells
     * @param tokenizerVocab the tokenizer's vocabulary size; ids at or beyond it are padding
     * @param byMatrix       each analysed matrix's analyzer results; their per-token arrays become columns
     * @throws SuperscopeException (exit 1) when a per-token array is longer than {@code rows}, or two
     *                             analyzers give the same column different values
     */
    public static void write(Path file, int rows, IntFunction<String> token, OptionalInt tokenizerVocab,
                             Map<MatrixKind, List<AnalysisResult>> byMatrix) {
        Map<String, double[]> columns = perTokenColumns(byMatrix);
        for (Map.Entry<String, double[]> c : columns.entrySet()) {
            if (c.getValue().length > rows) {
                throw new SuperscopeException(ReportWriteException.EXIT_CODE, file + ": column " + c.getKey()
                        + " has " + c.getValue().length + " values for " + rows + " rows");
            }
        }
        List<String> header = new ArrayList<>(List.of("id", "token", "padded"));
        List<Cell> cells = new ArrayList<>();
        for (Map.Entry<String, double[]> c : columns.entrySet()) {
            header.add(c.getKey());
            boolean ids = c.getKey().endsWith("_id");
            cells.add(i -> i < c.getValue().length ? (ids ? Cells.count(c.getValue()[i]) : Cells.number(c.getValue()[i])) : "");
            if (tokenColumnFor(c.getKey()).isPresent()) {
                header.add(tokenColumnFor(c.getKey()).get());
                cells.add(i -> i < c.getValue().length ? tokenText(c.getValue()[i], rows, token, tokenizerVocab) : "");
            }
        }
        ReportFiles.writeText(file, out -> printRows(out, rows, token, tokenizerVocab, header, cells));
    }

    private static void printRows(Writer out, int rows, IntFunction<String> token, OptionalInt tokenizerVocab,
                                  List<String> header, List<Cell> cells) throws IOException {
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180);
        printer.printRecord(header);
        for (int i = 0; i < rows; i++) {
            boolean padded = isPadding(i, tokenizerVocab);
            // Padding rows have no token: the tokenizer is not asked about ids it does not define.
            String text = token == null || padded ? null : token.apply(i);
            printer.print(i);
            printer.print(text == null ? "" : text);
            printer.print(padded);
            for (Cell cell : cells) {
                printer.print(cell.at(i));
            }
            printer.println();
        }
        printer.flush();
    }

    /** One column's cell in row {@code i}. */
    private interface Cell {
        String at(int i);
    }

    private static boolean isPadding(long id, OptionalInt tokenizerVocab) {
        return tokenizerVocab.isPresent() && id >= tokenizerVocab.getAsInt();
    }

    /** The text of the token a per-token id names; empty for none, a padding row or no tokenizer. */
    private static String tokenText(double id, int rows, IntFunction<String> token, OptionalInt tokenizerVocab) {
        if (token == null || Double.isNaN(id) || id < 0 || id >= rows || isPadding((long) id, tokenizerVocab)) {
            return "";
        }
        String text = token.apply((int) id);
        return text == null ? "" : text;
    }

    /**
     * The prefixed per-token columns in file order. Two analyzers giving the same column for the same
     * matrix must give the same values (as for metrics); one copy is written.
     */
    private static Map<String, double[]> perTokenColumns(Map<MatrixKind, List<AnalysisResult>> byMatrix) {
        Map<MatrixKind, List<AnalysisResult>> ordered = new EnumMap<>(MatrixKind.class);
        ordered.putAll(byMatrix);
        Map<String, double[]> columns = new LinkedHashMap<>();
        Map<String, String> from = new LinkedHashMap<>();
        for (Map.Entry<MatrixKind, List<AnalysisResult>> e : ordered.entrySet()) {
            for (AnalysisResult r : e.getValue()) {
                for (Map.Entry<String, double[]> c : r.perToken().entrySet()) {
                    String name = e.getKey().label() + "_" + c.getKey();
                    double[] before = columns.get(name);
                    if (before == null) {
                        columns.put(name, c.getValue());
                        from.put(name, r.analyzer());
                    } else if (!sameValues(before, c.getValue())) {
                        throw new SuperscopeException(ReportWriteException.EXIT_CODE, "analyzers '" + from.get(name)
                                + "' and '" + r.analyzer() + "' disagree on per-token column " + name);
                    }
                }
            }
        }
        return columns;
    }

    private static boolean sameValues(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!ModelResult.agree(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }
}
