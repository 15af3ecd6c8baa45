package dev.superscope.reports;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.io.AtomicFiles;
import dev.superscope.plugins.io.SmallFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes {@code models.csv} (RFC 4180, UTF-8, header row), one row per (model, matrix).
 *
 * <p>Column order, which other tools rely on: the eight identity columns ({@link #IDENTITY_COLUMNS}), the
 * metrics of the design ({@link #CORE_METRICS}, always present, empty when not measured), the further
 * identity columns ({@link #EXTRA_COLUMNS}), then every other metric any row has (e.g.
 * {@code loss_<dataset>}, and the pairwise analyzer's {@code collapse_threshold}, {@code collapsed_groups},
 * {@code collapsed_rows}), sorted by name. Doubles are written so that they read back identically, NaN as
 * an empty cell, counts ({@code *_rows}, {@code *_count}, {@code *_groups}) as integers.
 */
public final class ModelsCsv {

    /** The file's name in an output directory. */
    public static final String FILE_NAME = "models.csv";
    /** Largest models.csv read (some hundred thousand rows); a larger one is not one this tool wrote. */
    public static final long MAX_BYTES = 64L << 20;

    /** What identifies a row, first in every file. */
    public static final List<String> IDENTITY_COLUMNS =
            List.of("model", "family", "loader", "matrix", "tied", "n", "m", "dtype");

    /** The metrics of the design, in contract order; empty cells when an analyzer did not run. */
    public static final List<String> CORE_METRICS = List.of(
            "norm_mean", "norm_std", "norm_min", "norm_max", "norm_p50", "frac_represented",
            "msq_overlap", "msq_overlap_centered", "inv_m", "welch_bound", "msq_times_m", "m_eff",
            "m_eff_centered", "nonfinite_rows", "zero_rows", "mean_abs_overlap", "max_abs_overlap",
            "decode_error_rate");

    /** Further identity columns a researcher needs to interpret a row (see {@link ModelResult}). */
    public static final List<String> EXTRA_COLUMNS = List.of(
            "hidden_size", "tokenizer_vocab", "padded_rows", "rows_used", "tensor", "architecture", "source",
            "revision", "precision");

    private static final Set<String> NOT_METRICS = notMetrics();

    private ModelsCsv() {
    }

    /** True for a column that is not a metric (a metric may not take such a name). */
    public static boolean isIdentityColumn(String name) {
        return NOT_METRICS.contains(name);
    }

    /** True for metrics written as integers: counts of rows and of groups of rows. */
    public static boolean isCountMetric(String name) {
        return name.endsWith("_rows") || name.endsWith("_count") || name.endsWith("_groups");
    }

    /** The header for these rows, in contract order. */
    public static List<String> columns(Collection<ModelResult> rows) {
        List<String> columns = new ArrayList<>(IDENTITY_COLUMNS);
        columns.addAll(CORE_METRICS);
        columns.addAll(EXTRA_COLUMNS);
        Set<String> others = new TreeSet<>();
        for (ModelResult r : rows) {
            others.addAll(r.metrics().keySet());
        }
        others.removeAll(CORE_METRICS);
        columns.addAll(others);
        return columns;
    }

    /**
     * Writes the rows to {@code file} atomically (temporary file, then rename).
     *
     * @throws ReportWriteException when the file cannot be written; an older file is then left as it was
     */
    public static void write(Path file, List<ModelResult> rows) {
        ReportFiles.writeText(file, out -> print(out, rows));
    }

    /** Prints the header and the rows as CSV to {@code out}. */
    public static void print(Appendable out, List<ModelResult> rows) throws IOException {
        List<String> columns = columns(rows);
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180);
        printer.printRecord(columns);
        List<String> cells = new ArrayList<>(columns.size());
        for (ModelResult r : rows) {
            cells.clear();
            cells.add(r.model());
            cells.add(r.family());
            cells.add(r.loader());
            cells.add(r.matrix());
            cells.add(Boolean.toString(r.tied()));
            cells.add(Long.toString(r.n()));
            cells.add(Integer.toString(r.m()));
            cells.add(r.dtype());
            for (String c : columns.subList(IDENTITY_COLUMNS.size(), columns.size())) {
                cells.add(EXTRA_COLUMNS.contains(c) ? extraCell(r, c) : metricCell(r, c));
            }
            printer.printRecord(cells);
        }
        printer.flush();
    }

    /**
     * Reads {@code file} back into rows (for resuming a run and for fitting). Every column that is not an
     * identity column becomes a metric (NaN for an empty cell); the extra identity columns may be missing
     * (files from older versions), the first eight may not.
     *
     * @throws BadInputException naming the file and the problem when it is not a valid models.csv
     */
    public static List<ModelResult> read(Path file) {
        // Only a regular file, and no more than any real models.csv: a FIFO would block, /dev/zero never end.
        try (Reader in = new BufferedReader(new InputStreamReader(SmallFiles.open(file, MAX_BYTES),
                StandardCharsets.UTF_8.newDecoder()))) {
            return read(in, file);
        } catch (SmallFiles.RefusedFileException e) {
            throw new BadInputException(file, e.getMessage() + "; move it away or choose another --out", e);
        } catch (NoSuchFileException e) {
            throw new BadInputException(file, "no such file");
        } catch (CharacterCodingException e) {
            throw new BadInputException(file, "not UTF-8 text", e);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + AtomicFiles.describe(e), e);
        }
    }

    /**
     * Reads models.csv text from {@code in}; {@code file} names it in error messages.
     *
     * @throws BadInputException when the text is not a valid models.csv
     */
    public static List<ModelResult> read(Reader in, Path file) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
        List<ModelResult> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(in, format)) {
            List<String> header = null;
            Set<String> keys = new HashSet<>();
            int row = 0;
            for (CSVRecord record : parser) {
                if (header == null) {
                    header = header(record, file);
                    continue;
                }
                row++;
                if (record.size() != header.size()) {
                    throw new BadInputException(file, "data row " + row + " has " + record.size()
                            + " fields, the header has " + header.size());
                }
                ModelResult r = parseRow(header, record, file, "data row " + row);
                if (!keys.add(r.model() + "\u0000" + r.matrix())) {
                    throw new BadInputException(file, "data row " + row + " repeats model '" + r.model()
                            + "', matrix '" + r.matrix() + "'");
                }
                rows.add(r);
            }
            if (header == null) {
                throw new BadInputException(file, "empty: no header row");
            }
        } catch (UncheckedIOException e) {
            // Commons CSV reports malformed quoting (and undecodable bytes) as unchecked IOExceptions.
            if (e.getCause() instanceof CharacterCodingException) {
                throw new BadInputException(file, "not UTF-8 text", e);
            }
            throw new BadInputException(file, "malformed CSV: " + AtomicFiles.describe(e.getCause()), e);
        }
        return rows;
    }

    private static List<String> header(CSVRecord record, Path file) {
        List<String> names = new ArrayList<>();
        for (String name : record) {
            names.add(names.isEmpty() ? name.replace("\uFEFF", "").strip() : name.strip());
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name.isEmpty()) {
                throw new BadInputException(file, "header has an empty column name");
            }
            if (!seen.add(name)) {
                throw new BadInputException(file, "header names column '" + Cells.oneLine(name) + "' twice");
            }
        }
        List<String> missing = IDENTITY_COLUMNS.stream().filter(c -> !seen.contains(c)).toList();
        if (!missing.isEmpty()) {
            throw new BadInputException(file, "not a models.csv: missing column(s) " + String.join(", ", missing));
        }
        return names;
    }

    private static ModelResult parseRow(List<String> header, CSVRecord record, Path file, String where) {
        Map<String, String> cells = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            cells.put(header.get(i), record.get(i));
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String column : header) {
            if (!NOT_METRICS.contains(column)) {
                metrics.put(column, Cells.parseNumber(cells.get(column), file, where + ", " + column));
            }
        }
        String model = cells.get("model");
        String matrix = cells.get("matrix");
        if (model.isBlank() || matrix.isBlank()) {
            throw new BadInputException(file, where + ": empty model or matrix");
        }
        long m = Cells.parseLong(cells.get("m"), file, where + ", m");
        long n = Cells.parseLong(cells.get("n"), file, where + ", n");
        String padded = cells.getOrDefault("padded_rows", "");
        long paddedRows = padded.isBlank() ? 0 : Cells.parseLong(padded, file, where + ", padded_rows");
        if (n < 0 || m < 0 || m > Integer.MAX_VALUE || paddedRows < 0) {
            throw new BadInputException(file, where + ": n, m or padded_rows out of range");
        }
        return new ModelResult(model, cells.get("family"), cells.get("loader"), matrix,
                Cells.parseBoolean(cells.get("tied"), file, where + ", tied"), n, (int) m, cells.get("dtype"),
                Cells.parseOptionalInt(cells.getOrDefault("hidden_size", ""), file, where + ", hidden_size"),
                Cells.parseOptionalInt(cells.getOrDefault("tokenizer_vocab", ""), file, where + ", tokenizer_vocab"),
                paddedRows, cells.getOrDefault("rows_used", ""), cells.getOrDefault("tensor", ""),
                cells.getOrDefault("architecture", ""), cells.getOrDefault("source", ""),
                cells.getOrDefault("revision", ""), cells.getOrDefault("precision", ""), metrics);
    }

    private static String extraCell(ModelResult r, String column) {
        switch (column) {
            case "hidden_size":
                return Cells.integer(r.hiddenSize());
            case "tokenizer_vocab":
                return Cells.integer(r.tokenizerVocab());
            case "padded_rows":
                return Long.toString(r.paddedRows());
            case "rows_used":
                return r.rowsUsed();
            case "tensor":
                return r.tensor();
            case "architecture":
                return r.architecture();
            case "source":
                return r.source();
            case "revision":
                return r.revision();
            case "precision":
                return r.precision();
            default:
                throw new IllegalStateException("unknown extra column " + column);
        }
    }

    private static String metricCell(ModelResult r, String column) {
        double v = r.metric(column);
        return isCountMetric(column) ? Cells.count(v) : Cells.number(v);
    }

    private static Set<String> notMetrics() {
        Set<String> s = new LinkedHashSet<>(IDENTITY_COLUMNS);
        s.addAll(EXTRA_COLUMNS);
        return Set.copyOf(s);
    }
}
