package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.steward.api.StewardException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dotenv syntax of {@code --env-file} and {@code env-file}. */
class DotEnvTest {
    @Test
    void linesQuotesAndCommentsAreReadAsDotenvDoes() {
        Map<String, String> vars = DotEnv.parse("""
                # a comment

                PLAIN=value with spaces  # trailing comment
                export EXPORTED=1
                URL=http://host/#fragment
                SINGLE='no \\n escapes, $HOME # kept'
                DOUBLE="line\\none \\"quoted\\" back\\\\slash $HOME"
                EMPTY=
                  SPACED = around  \r
                PLAIN=second wins
                """, "f");
        assertEquals(Map.of("PLAIN", "second wins", "EXPORTED", "1", "URL", "http://host/#fragment",
                "SINGLE", "no \\n escapes, $HOME # kept", "DOUBLE", "line\none \"quoted\" back\\slash $HOME",
                "EMPTY", "", "SPACED", "around"), vars);
        assertEquals(java.util.List.of("PLAIN", "EXPORTED", "URL", "SINGLE", "DOUBLE", "EMPTY", "SPACED"),
                java.util.List.copyOf(vars.keySet()), "in the file's order");
    }

    @Test
    void aBadLineIsOneErrorNamingTheFileAndLine() {
        assertEquals("f:2: expected KEY=value, not 'no equals sign'", refused("A=1\nno equals sign\n"));
        assertEquals("f:1: expected KEY=value, not '1A=x'", refused("1A=x"));
        assertEquals("f:1: a double quote is not closed", refused("A=\"open"));
        assertEquals("f:3: a single quote is not closed", refused("\n\nA='open"));
        assertEquals("f:1: unexpected 'tail' after the closing quote", refused("A=\"v\" tail"));
    }

    private static String refused(String text) {
        return assertThrows(StewardException.class, () -> DotEnv.parse(text, "f")).getMessage();
    }
}
