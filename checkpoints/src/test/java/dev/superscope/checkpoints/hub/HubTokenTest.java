package dev.superscope.checkpoints.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.superscope.plugins.SuperscopeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The access token, from HF_TOKEN or the token file: a token holding a character no token has (a line
 * break or DEL pasted in by accident) is refused before anything is sent, with one line naming where it
 * came from and never the token itself.
 */
class HubTokenTest {
    private static final String SECRET = "hf_S3cretT0kenValue";

    @TempDir
    Path tmp;

    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("HOME", tmp.resolve("home").toString(),
                "HF_HOME", tmp.resolve("hf").toString()));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static void assertRefusedWithoutTheToken(SuperscopeException e, String source) {
        assertEquals(SuperscopeException.BAD_INPUT, e.exitCode());
        String m = e.getMessage();
        assertTrue(m.contains(source), "names " + source + ": " + m);
        assertFalse(m.contains("S3cret") || m.contains("hf_") || m.contains("Value"), "no part of the token: " + m);
        assertFalse(m.contains("\n") || m.contains("\r") || m.contains("\u007f"), "one clean line: " + m);
        assertNull(e.getCause(), "no cause that could quote it");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\n", "\u007f", "\t", "\u0000", " ", "\u00e9"})
    void aTokenInHfTokenWithAStrayCharacterIsRefusedByName(String stray) {
        String token = SECRET.substring(0, 9) + stray + SECRET.substring(9);
        SuperscopeException e = assertThrows(SuperscopeException.class,
                () -> HubSettings.fromEnvironment(env("HF_TOKEN", token)));
        assertRefusedWithoutTheToken(e, "HF_TOKEN");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\r\n", "\u007f"})
    void aTokenFileWithAStrayCharacterIsRefusedByItsPath(String stray) throws IOException {
        Path file = Files.createDirectories(tmp.resolve("hf")).resolve("token");
        Files.writeString(file, SECRET.substring(0, 9) + stray + SECRET.substring(9) + "\n", StandardCharsets.UTF_8);
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> HubSettings.fromEnvironment(env()));
        assertRefusedWithoutTheToken(e, "the token file " + file);
    }

    @Test
    void surroundingWhiteSpaceIsTrimmedAndABlankVariableFallsBackToTheFile() throws IOException {
        assertEquals(SECRET, HubSettings.fromEnvironment(env("HF_TOKEN", "  " + SECRET + "\r\n")).token());
        Path file = Files.createDirectories(tmp.resolve("hf")).resolve("token");
        Files.writeString(file, SECRET + "\r\n");
        assertEquals(SECRET, HubSettings.fromEnvironment(env("HF_TOKEN", " \n")).token());
        assertFalse(HubSettings.fromEnvironment(env()).toString().contains(SECRET));
    }

    @Test
    void aTokenFileLargerThanAnyTokenIsRefused() throws IOException {
        Path file = Files.createDirectories(tmp.resolve("hf")).resolve("token");
        Files.write(file, new byte[1 << 20]);
        SuperscopeException e = assertThrows(SuperscopeException.class, () -> HubSettings.fromEnvironment(env()));
        assertRefusedWithoutTheToken(e, "the token file " + file);
    }
}
