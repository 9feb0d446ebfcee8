package io.steward.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void roundTripsEveryKindOfValue() {
        String text = "{\"s\":\"a\\\"b\\\\c\\n\\u00e9\\u0001\",\"n\":-42,\"d\":1.5,\"t\":true,\"f\":false,\"z\":null,"
                + "\"a\":[1,[2],{}],\"o\":{\"k\":\"v\"}}";
        Map<String, Object> m = Json.parseObject(text);
        assertEquals("a\"b\\c\né\u0001", m.get("s"));
        assertEquals(-42L, m.get("n"));
        assertEquals(1.5, m.get("d"));
        assertEquals(Boolean.TRUE, m.get("t"));
        assertTrue(m.containsKey("z") && m.get("z") == null);
        assertEquals(List.of(1L, List.of(2L), Map.of()), m.get("a"));
        assertEquals(m, Json.parseObject(Json.write(m)));
    }

    @Test
    void enumsWriteTheirWireNames() {
        assertEquals("{\"code\":\"not-found\",\"outcome\":\"soft-exit\"}",
                Json.write(Json.object("code", ErrorCode.NOT_FOUND, "outcome", Outcome.SOFT_EXIT)));
    }

    @Test
    void malformedInputIsATypedError() {
        for (String bad : new String[] {"", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"abc", "tru", "{\"a\":1}x",
                "{\"a\":1,\"a\":2}", "\"\\x\"", "01a", "-", "{\"a\":\"\u0001\"}", "[".repeat(100)}) {
            StewardException e = assertThrows(StewardException.class, () -> Json.parse(bad), bad);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        }
        assertThrows(StewardException.class, () -> Json.parseObject("[1]"));
    }

    @Test
    void surrogatePairsParseAndHalvesOfOneAreRefused() {
        StewardException named = assertThrows(StewardException.class,
                () -> Json.parse("{\"env\":{\"A\":\"x\"},\"argv\":[\"true\",\"\\ud800\"]}"));
        assertTrue(named.getMessage().contains(", in argv[1]: unpaired surrogate \\ud800"), named.getMessage());
        assertEquals("\ud83d\ude00", Json.parse("\"\\ud83d\\ude00\""));
        assertEquals("\ud83d\ude00", Json.parse("\"\ud83d\ude00\""), "the pair as it is, unescaped");
        for (String bad : new String[] {"\"\\ud800\"", "\"\\udc00\"", "\"a\\ud83dz\"", "\"\\ud83d\\u0041\"",
                "\"\\ude00\\ud83d\"", "\"\\ud83d\\ud83d\"", "{\"\\udfff\":1}", "\"\\u00\u0661\u0661\""}) {
            StewardException e = assertThrows(StewardException.class, () -> Json.parse(bad), bad);
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("invalid JSON"), e.getMessage());
        }
    }

    @Test
    void aCutShortDocumentSaysWhichFieldItEndsIn() {
        assertEquals("argv[1]", Json.fieldAt("{\"argv\":[\"printf\",\"ab"));
        assertEquals("env.PATH", Json.fieldAt("{\"argv\":[\"x\"],\"env\":{\"PATH\":\"/bin:"));
        assertEquals("apps[0].request.cwd", Json.fieldAt("{\"apps\":[{\"request\":{\"cwd\":\"/t"));
        assertEquals(null, Json.fieldAt("{\"arg"));
        assertEquals(null, Json.fieldAt(""));
    }

    @Test
    void integersBeyondALongAreBigIntegersAndHugeNumbersAreRefused() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals(new java.math.BigInteger("9223372036854775808"), Json.parse("9223372036854775808"));
        assertEquals(new java.math.BigInteger("-123456789012345678901234567890"),
                Json.parse("-123456789012345678901234567890"));
        assertEquals("{\"n\":123456789012345678901234567890}",
                Json.write(Json.parseObject("{\"n\":123456789012345678901234567890}")));
        StewardException e = assertThrows(StewardException.class, () -> Json.parse("9".repeat(1_000_000)));
        assertTrue(e.getMessage().contains("longer than"), e.getMessage());
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButATypedError() {
        Random r = new Random(1);
        String alphabet = "{}[]\":,\\ntrufalse0123456789.-eE \t";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder();
            int n = r.nextInt(40);
            for (int j = 0; j < n; j++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            try {
                Json.parse(b.toString());
            } catch (StewardException e) {
                assertEquals(ErrorCode.INVALID_INPUT, e.code());
            }
        }
    }
}
