package dev.superscope.pipeline.models;


import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.io.SmallFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A models.yaml: the checkpoints to audit, each with a name, a family (models of one family are fitted
 * together against m) and where to find it — a hub {@code id} (optionally {@code revision}) or a local
 * {@code path} (relative to the file), optionally a {@code tensor} to analyse by name instead of the
 * architecture's matrices (with {@code transpose: true} for one stored m x n). Unknown keys, missing
 * fields, missing paths and duplicate names are errors that name the file and the entry.
 *
 * <p>A training sweep is one entry with {@code revisions:} instead of {@code revision:} (a list of hub
 * revisions and ranges, see {@link RevisionList}): it stands for one model per revision, named
 * {@code <name>@<revision>}, each audited from that revision's commit.
 *
 * @param file   the file read
 * @param models the entries in file order
 */
public record ModelsFile(Path file, List<Entry> models) {

    private static final Set<String> TOP_KEYS = Set.of("models");
    /** Far more than a list of checkpoints needs; a larger file is not read whole. */
    private static final long MAX_BYTES = 16L << 20;
    private static final Set<String> ENTRY_KEYS = Set.of("name", "family", "id", "revision", "path", "matrix",
            "rows", "loader", "losses", "tensor", "transpose", "revisions");

    /**
     * One checkpoint to audit.
     *
     * @param name     unique name used in reports
     * @param family   the family it is fitted with
     * @param id       hub id (org/name), or null
     * @param revision hub revision, or null for main
     * @param path     local checkpoint directory or file, or null
     * @param loader   a loader name to use instead of detection, or null
     * @param losses   losses measured elsewhere, by dataset name (may be empty)
     * @param tensor   a tensor to analyse by name ({@code --tensor}), or null
     * @param transpose whether {@code tensor} is stored m x n
     * @param revisions a training sweep's revisions, expanded (empty: not a sweep)
     */
    public record Entry(String name, String family, String id, String revision, Path path, String loader,
                 Map<String, Double> losses, String tensor, boolean transpose, List<String> revisions) {

        public Entry {
            revisions = revisions == null ? List.of() : List.copyOf(revisions);
        }

        /** An entry for an architecture's matrices that is not a training sweep. */
        public Entry(String name, String family, String id, String revision, Path path, String loader,
                     Map<String, Double> losses) {
            this(name, family, id, revision, path, loader, losses, null, false, List.of());
        }

        /** What to hand to the checkpoint locator: the local path, else id[@revision]. */
        public String location() {
            if (path != null) {
                return path.toString();
            }
            return revision == null ? id : id + "@" + revision;
        }
    }

    /** The entries as audit targets: a sweep gives one target per revision, named {@code <name>@<revision>}. */
    public java.util.List<dev.superscope.pipeline.Target> targets() {
        List<dev.superscope.pipeline.Target> targets = new ArrayList<>();
        for (Entry e : models) {
            if (e.revisions().isEmpty()) {
                targets.add(new dev.superscope.pipeline.Target(e.name(), e.family(), e.location(), e.loader(),
                        e.losses(), e.tensor(), e.transpose(), null));
                continue;
            }
            for (String revision : e.revisions()) {
                targets.add(new dev.superscope.pipeline.Target(e.name() + "@" + revision, e.family(),
                        e.id() + "@" + revision, e.loader(), e.losses(), e.tensor(), e.transpose(), revision));
            }
        }
        return List.copyOf(targets);
    }

    /** Reads and checks {@code file}. */
    public static ModelsFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, Files.exists(file) ? "is not a regular file" : "no such models file");
        }
        JsonNode root;
        try (InputStream in = SmallFiles.open(file, MAX_BYTES)) {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(in);
        } catch (SmallFiles.RefusedFileException e) {
            throw new BadInputException(file, e.getMessage());
        } catch (JsonProcessingException e) {
            throw new BadInputException(file, "malformed YAML: " + String.valueOf(e.getOriginalMessage()).replaceAll("\\s*\\R\\s*", " ").strip()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new BadInputException(file, "cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(file, "expected a mapping with a 'models:' list");
        }
        rejectUnknown(file, root, TOP_KEYS, "top level");
        JsonNode list = root.get("models");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new BadInputException(file, "'models:' must be a non-empty list");
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int index = 0;
        for (JsonNode node : list) {
            index++;
            Entry e = entry(file, node, index);
            List<String> expanded = e.revisions().isEmpty() ? List.of(e.name())
                    : e.revisions().stream().map(r -> e.name() + "@" + r).toList();
            for (String name : expanded) {
                if (!names.add(name)) {
                    throw new BadInputException(file, "duplicate model name '" + name + "'");
                }
            }
            entries.add(e);
        }
        return new ModelsFile(file, List.copyOf(entries));
    }

    private static Entry entry(Path file, JsonNode node, int index) {
        String where = "model #" + index;
        if (!node.isObject()) {
            throw new BadInputException(file, where + " must be a mapping (name:, family:, id: or path:)");
        }
        String name = text(file, node, "name", where, true);
        where = "model '" + name + "'";
        rejectUnknown(file, node, ENTRY_KEYS, where);
        String family = text(file, node, "family", where, true);
        String id = text(file, node, "id", where, false);
        String revision = text(file, node, "revision", where, false);
        String pathText = text(file, node, "path", where, false);
        String loader = text(file, node, "loader", where, false);
        if ((id == null) == (pathText == null)) {
            throw new BadInputException(file, where + " needs exactly one of 'id:' (hub) or 'path:' (local)");
        }
        if (revision != null && id == null) {
            throw new BadInputException(file, where + " has 'revision:' without 'id:'");
        }
        if (id != null && !id.matches("[A-Za-z0-9][\\w.\\-]*(/[\\w.\\-]+)?")) {
            throw new BadInputException(file, where + " has a malformed hub id '" + id + "' (expected org/name)");
        }
        Path path = null;
        if (pathText != null) {
            Path base = file.toAbsolutePath().getParent();
            try {
                path = base.resolve(pathText).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw new BadInputException(file, where + ": 'path:' is not a usable path: " + e.getReason());
            }
            if (!Files.exists(path)) {
                throw new BadInputException(file, where + ": path " + path + " does not exist");
            }
        }
        for (String key : List.of("matrix", "rows")) {
            if (node.has(key)) {
                throw new BadInputException(file, where + ": '" + key + ":' is set per run (--" + key + "), not per model");
            }
        }
        Map<String, Double> losses = new LinkedHashMap<>();
        JsonNode l = node.get("losses");
        if (l != null) {
            if (!l.isObject()) {
                throw new BadInputException(file, where + ": 'losses:' must map dataset names to numbers");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (!f.getValue().isNumber()) {
                    throw new BadInputException(file, where + ": loss '" + f.getKey() + "' is not a number");
                }
                losses.put(f.getKey(), f.getValue().asDouble());
            }
        }
        String tensor = text(file, node, "tensor", where, false);
        boolean transpose = false;
        JsonNode t = node.get("transpose");
        if (t != null && !t.isNull()) {
            if (!t.isBoolean()) {
                throw new BadInputException(file, where + ": 'transpose:' must be true or false");
            }
            transpose = t.asBoolean();
        }
        if (transpose && tensor == null) {
            throw new BadInputException(file, where + " has 'transpose:' without 'tensor:'");
        }
        if (tensor != null && loader != null) {
            throw new BadInputException(file, where + " has both 'tensor:' and 'loader:'; a named tensor is analysed"
                    + " without an architecture");
        }
        return new Entry(name, family, id, revision, path, loader, Map.copyOf(losses), tensor, transpose,
                revisions(file, node.get("revisions"), where, id, revision));
    }

    /** A sweep's {@code revisions:}, expanded; empty when the entry has none. */
    private static List<String> revisions(Path file, JsonNode node, String where, String id, String revision) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (id == null) {
            throw new BadInputException(file, where + " has 'revisions:' without 'id:' (sweeps read hub revisions)");
        }
        if (revision != null) {
            throw new BadInputException(file, where + " has both 'revision:' and 'revisions:'");
        }
        List<String> items = new ArrayList<>();
        for (JsonNode item : node.isArray() ? node : List.of(node)) {
            if (!item.isTextual() && !item.isNumber()) {
                throw new BadInputException(file, where + ": 'revisions:' must be a list of revisions and ranges"
                        + " (e.g. [step0, \"step1000..step143000:1000\"])");
            }
            items.add(item.asText().strip());
        }
        try {
            return RevisionList.expand(items);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, where + ": " + e.getMessage());
        }
    }

    private static String text(Path file, JsonNode node, String key, String where, boolean required) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadInputException(file, where + " has no '" + key + ":'");
            }
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) {
            throw new BadInputException(file, where + ": '" + key + ":' must be a string");
        }
        String s = v.asText().strip();
        if (s.isEmpty()) {
            throw new BadInputException(file, where + ": '" + key + ":' is empty");
        }
        return s;
    }

    private static void rejectUnknown(Path file, JsonNode node, Set<String> known, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw new BadInputException(file, where + ": unknown key '" + key + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }
}
