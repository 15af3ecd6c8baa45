package dev.superscope.checkpoints;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.superscope.plugins.BadInputException;
import dev.superscope.plugins.TokenizerInfo;
import dev.superscope.plugins.io.TerminalText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Finds the tokenizer files beside a checkpoint and counts the token ids they define, which tells the
 * rows of a padded LM head that no token uses (Pythia: 50277 ids, 50304 rows).
 *
 * <p>The files are streamed, never held as a tree: a tokenizer.json can be tens of megabytes and only
 * its ids matter here.
 */
public final class TokenizerFiles {
    private TokenizerFiles() {
    }

    /**
     * The tokenizer files in {@code directory}. The vocabulary size comes from {@code tokenizer.json}
     * when there is one, else from {@code vocab.json} plus {@code added_tokens.json}, else from a WordPiece
     * {@code vocab.txt} (BERT, DistilBERT: one token per line); with none of them it is unknown.
     *
     * @throws BadInputException when the file that defines the vocabulary is malformed
     */
    public static TokenizerInfo read(Path directory) {
        Optional<Path> tokenizerJson = existing(directory.resolve("tokenizer.json"));
        Optional<Path> vocabJson = existing(directory.resolve("vocab.json"));
        Optional<Path> merges = existing(directory.resolve("merges.txt"));
        Optional<Path> vocabTxt = existing(directory.resolve("vocab.txt"));
        OptionalInt size;
        if (tokenizerJson.isPresent()) {
            size = vocabSizeOfTokenizerJson(tokenizerJson.get());
        } else if (vocabJson.isPresent()) {
            size = vocabSizeOfVocabJson(vocabJson.get(), existing(directory.resolve("added_tokens.json")));
        } else if (vocabTxt.isPresent()) {
            size = vocabSizeOfVocabTxt(vocabTxt.get());
        } else {
            size = OptionalInt.empty();
        }
        return new TokenizerInfo(size, tokenizerJson, vocabJson, merges, vocabTxt);
    }

    /**
     * Token ids defined by a WordPiece {@code vocab.txt}: its line count, as transformers' {@code load_vocab}
     * counts lines (a last line without a newline counts; an empty line in the middle is a token). Empty
     * for an empty file.
     */
    public static OptionalInt vocabSizeOfVocabTxt(Path vocabTxt) {
        long lines = 0;
        boolean open = false;
        byte[] buffer = new byte[1 << 16];
        try (java.io.InputStream in = Files.newInputStream(vocabTxt)) {
            for (int read; (read = in.read(buffer)) > 0; ) {
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                        open = false;
                    } else {
                        open = true;
                    }
                }
            }
        } catch (IOException e) {
            throw new BadInputException(vocabTxt, "cannot be read: " + e.getMessage(), e);
        }
        return sizeFrom(lines + (open ? 1 : 0) - 1, vocabTxt);
    }

    /**
     * Token ids defined by a Hugging Face {@code tokenizer.json}: the largest id in {@code model.vocab}
     * (an object of token to id for BPE/WordPiece/WordLevel, a list of pieces for Unigram, whose ids are
     * the positions) and in {@code added_tokens}, plus one. Empty when the file defines no ids.
     */
    public static OptionalInt vocabSizeOfTokenizerJson(Path tokenizerJson) {
        try (JsonParser p = JsonFiles.parser(tokenizerJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(tokenizerJson, "is not a JSON object");
            }
            long maxId = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("model".equals(field) && value == JsonToken.START_OBJECT) {
                    maxId = Math.max(maxId, modelMaxId(p, tokenizerJson));
                } else if ("added_tokens".equals(field) && value == JsonToken.START_ARRAY) {
                    maxId = Math.max(maxId, addedTokensMaxId(p, tokenizerJson));
                } else {
                    p.skipChildren();
                }
            }
            expectEnd(p, tokenizerJson);
            return sizeFrom(maxId, tokenizerJson);
        } catch (JsonProcessingException e) {
            throw JsonFiles.notJson(tokenizerJson, e);
        } catch (IOException e) {
            throw new BadInputException(tokenizerJson, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Token ids defined by a GPT-2 style {@code vocab.json} (token to id) and the optional
     * {@code added_tokens.json} beside it: the largest id plus one.
     */
    public static OptionalInt vocabSizeOfVocabJson(Path vocabJson, Optional<Path> addedTokensJson) {
        long maxId = tokenToIdMax(vocabJson);
        if (addedTokensJson.isPresent()) {
            maxId = Math.max(maxId, tokenToIdMax(addedTokensJson.get()));
        }
        return sizeFrom(maxId, vocabJson);
    }

    private static long tokenToIdMax(Path file) {
        try (JsonParser p = JsonFiles.parser(file)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(file, "is not a JSON object of token to id");
            }
            long maxId = idObjectMax(p, file);
            expectEnd(p, file);
            return maxId;
        } catch (JsonProcessingException e) {
            throw JsonFiles.notJson(file, e);
        } catch (IOException e) {
            throw new BadInputException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Inside {@code model}: the vocabulary's largest id; other fields (merges, ...) are skipped. */
    private static long modelMaxId(JsonParser p, Path file) throws IOException {
        long maxId = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("vocab".equals(field) && value == JsonToken.START_OBJECT) {
                maxId = Math.max(maxId, idObjectMax(p, file));
            } else if ("vocab".equals(field) && value == JsonToken.START_ARRAY) {
                // Unigram: [[piece, score], ...]; a piece's id is its position.
                long count = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    p.skipChildren();
                    count++;
                }
                maxId = Math.max(maxId, count - 1);
            } else {
                p.skipChildren();
            }
        }
        return maxId;
    }

    /** An object of token to non-negative integer id, positioned at its START_OBJECT; the largest id. */
    private static long idObjectMax(JsonParser p, Path file) throws IOException {
        long maxId = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String token = p.currentName();
            maxId = Math.max(maxId, readId(p, file, "token " + quote(token)));
        }
        return maxId;
    }

    private static long addedTokensMaxId(JsonParser p, Path file) throws IOException {
        long maxId = -1;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new BadInputException(file, "added_tokens holds a non-object entry");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                if ("id".equals(p.currentName())) {
                    maxId = Math.max(maxId, readId(p, file, "an added token"));
                } else {
                    p.nextToken();
                    p.skipChildren();
                }
            }
        }
        return maxId;
    }

    private static long readId(JsonParser p, Path file, String what) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_NUMBER_INT) {
            throw new BadInputException(file, what + " has id " + p.getText() + ", not an integer");
        }
        long id = p.getValueAsLong(-1);
        if (id < 0 || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new BadInputException(file, what + " has id " + p.getText() + ", not a non-negative integer");
        }
        return id;
    }

    private static void expectEnd(JsonParser p, Path file) throws IOException {
        if (p.nextToken() != null) {
            throw new BadInputException(file, "has content after its top-level object");
        }
    }

    private static OptionalInt sizeFrom(long maxId, Path file) {
        if (maxId < 0) {
            return OptionalInt.empty();
        }
        if (maxId >= Integer.MAX_VALUE) {
            throw new BadInputException(file, "has token id " + maxId + ", beyond any real vocabulary");
        }
        return OptionalInt.of((int) maxId + 1);
    }

    private static Optional<Path> existing(Path file) {
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    private static String quote(String token) {
        return "\"" + TerminalText.safe(token, 43) + "\"";
    }
}
