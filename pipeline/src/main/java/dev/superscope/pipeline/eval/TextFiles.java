package dev.superscope.pipeline.eval;

import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The text files an evaluation scores, each a dataset named after its file. */
public final class TextFiles {
    private TextFiles() {
    }

    /** One text file to score. */
    public record Text(Path file, String dataset, String content) {
    }

    /** Reads every text file (strict UTF-8) and names its dataset; names must be distinct. */
    public static List<Text> read(List<Path> files) {
        List<Text> texts = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new BadInputException(file, Files.exists(file) ? "not a regular file" : "no such text file");
            }
            String content;
            try {
                content = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            } catch (CharacterCodingException e) {
                throw new BadInputException(file, "not UTF-8 text");
            } catch (IOException e) {
                throw new BadInputException(file, "cannot read: " + e.getMessage(), e);
            }
            if (content.isEmpty()) {
                throw new BadInputException(file, "empty text: nothing to score");
            }
            String dataset = datasetName(file);
            if (dataset.isEmpty()) {
                throw new BadInputException(file, "no dataset name: the file name is only an extension");
            }
            if (!names.add(dataset)) {
                throw new SuperscopeException(SuperscopeException.USAGE, "two text files are both named '" + dataset
                        + "'; each dataset needs its own name");
            }
            texts.add(new Text(file, dataset, content));
        }
        return texts;
    }

    /** The file name without its last extension: {@code wikitext.test.txt -> wikitext.test}. */
    public static String datasetName(Path file) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return dot < 0 ? fileName : fileName.substring(0, dot);
    }
}
