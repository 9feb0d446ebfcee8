package io.steward.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the API, the client and the CLI: values are {@code Map<String, Object>} (insertion
 * ordered), {@code List<Object>}, {@code String}, {@code Long} or {@code Double}, {@code Boolean} and
 * {@code null}; an integer beyond a long is a {@code BigInteger}, so a reader can say it is out of
 * its range rather than the document being malformed. Small on purpose: no reflection, no
 * dependency, nothing to load at CLI start-up. Malformed input is an {@link ErrorCode#INVALID_INPUT}
 * error naming the position; so is an escape of half a surrogate pair (&#92;ud800), which no UTF-8
 * string, file name or argument can hold (I-JSON, RFC 7493).
 */
public final class Json {
    /** Nesting beyond this is refused, so hostile input cannot exhaust the stack. */
    public static final int MAX_DEPTH = 64;
    /** Longer numbers are refused: no value needs them, and turning a huge one into a number is slow. */
    public static final int MAX_NUMBER_LENGTH = 400;

    private final String text;
    private int pos;
    private int depth;
    /**
     * Where the value being read is: a field's name, or an array's index (an Integer), so an error
     * can name its field; made into text only then, since most documents have no error.
     */
    private final List<Object> path = new ArrayList<>();

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON document; trailing content other than white space is an error. */
    public static Object parse(String text) {
        Json p = new Json(text);
        p.skipWs();
        Object v = p.value();
        p.skipWs();
        if (p.pos != text.length()) {
            throw p.error("unexpected content after the document");
        }
        return v;
    }

    /**
     * The field being read where {@code prefix}, the start of a document, ends ({@code argv[1]},
     * {@code env.PATH}), or null at the top level: names the field of a byte that stopped a decoder.
     */
    public static String fieldAt(String prefix) {
        Json p = new Json(prefix);
        try {
            p.skipWs();
            p.value();
        } catch (StewardException e) {
            // expected: the prefix ends inside the document
        }
        return p.path.isEmpty() ? null : p.where();
    }

    private String where() {
        StringBuilder b = new StringBuilder();
        for (Object step : path) {
            if (step instanceof Integer i) {
                b.append('[').append(i).append(']');
            } else {
                b.append(b.isEmpty() ? "" : ".").append(step);
            }
        }
        return b.toString();
    }

    /** Parses a document that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object v = parse(text);
        if (!(v instanceof Map)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "invalid JSON: expected an object");
        }
        return (Map<String, Object>) v;
    }

    private StewardException error(String what) {
        return new StewardException(ErrorCode.INVALID_INPUT, "invalid JSON at offset " + pos
                + (path.isEmpty() ? "" : ", in " + where()) + ": " + what);
    }

    private Object value() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word);
        }
        pos += word.length();
        return v;
    }

    private Map<String, Object> object() {
        enter();
        pos++;
        Map<String, Object> m = new LinkedHashMap<>();
        skipWs();
        if (peek() == '}') {
            pos++;
            depth--;
            return m;
        }
        while (true) {
            skipWs();
            if (peek() != '"') {
                throw error("expected a field name");
            }
            String k = string();
            skipWs();
            expect(':');
            skipWs();
            path.add(k);
            if (m.put(k, value()) != null) {
                throw error("duplicate field '" + k + "'");
            }
            path.removeLast();
            skipWs();
            char c = next();
            if (c == '}') {
                depth--;
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array() {
        enter();
        pos++;
        List<Object> l = new ArrayList<>();
        skipWs();
        if (peek() == ']') {
            pos++;
            depth--;
            return l;
        }
        while (true) {
            skipWs();
            path.add(l.size());
            l.add(value());
            path.removeLast();
            skipWs();
            char c = next();
            if (c == ']') {
                depth--;
                return l;
            }
            if (c != ',') {
                throw error("expected ',' or ']'");
            }
        }
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
    }

    private String string() {
        pos++;
        // Most strings have no escape: one scan and a substring, no builder.
        for (int i = pos; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                String plain = text.substring(pos, i);
                pos = i + 1;
                return plain;
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
        }
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("control character in string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    char u = unicodeEscape();
                    if (Character.isHighSurrogate(u) && text.startsWith("\\u", pos)) {
                        pos += 2;
                        char low = unicodeEscape();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("unpaired surrogate \\u" + hex(u));
                        }
                        b.append(u).append(low);
                    } else if (Character.isSurrogate(u)) {
                        throw error("unpaired surrogate \\u" + hex(u));
                    } else {
                        b.append(u);
                    }
                }
                default -> throw error("bad escape '\\" + e + "'");
            }
        }
    }

    /** The four hex digits of a unicode escape, after its {@code u}. */
    private char unicodeEscape() {
        if (pos + 4 > text.length()) {
            throw error("short \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            char c = text.charAt(pos + i);
            int d = c < 0x80 ? Character.digit(c, 16) : -1; // ASCII only: digit() also takes other scripts' digits
            if (d < 0) {
                throw error("bad \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private static String hex(char c) {
        return String.format("%04x", (int) c);
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        if (pos - start > MAX_NUMBER_LENGTH) {
            // Parsing a megabyte of digits takes seconds, and no field takes a number that long.
            throw error("number longer than " + MAX_NUMBER_LENGTH + " characters");
        }
        String n = text.substring(start, pos);
        try {
            if (integral) {
                if (n.length() - (n.charAt(0) == '-' ? 1 : 0) <= 18) {
                    return Long.parseLong(n); // 18 digits always fit, and most numbers are short
                }
                BigInteger big = new BigInteger(n);
                return big.bitLength() < 64 ? (Object) big.longValue() : big;
            }
            BigDecimal d = new BigDecimal(n);
            return d.doubleValue();
        } catch (NumberFormatException ex) {
            throw error("bad number '" + n + "'");
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    private void skipWs() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            pos++;
        }
    }

    // ---- writing ----

    /** Writes a value made of maps, lists, strings, numbers, booleans, nulls and enums (their {@code wire()} or name). */
    public static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value);
        return b.toString();
    }

    /** An ordered map for building objects: {@code Json.object("id", id, "pid", pid)}. */
    public static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static void write(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Boolean bool -> b.append(bool);
            case Double d when d.isNaN() || d.isInfinite() -> b.append("null");
            case Float f when f.isNaN() || f.isInfinite() -> b.append("null");
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    quote(b, String.valueOf(e.getKey()));
                    b.append(':');
                    write(b, e.getValue());
                }
                b.append('}');
            }
            case Iterable<?> it -> {
                b.append('[');
                boolean first = true;
                for (Object o : it) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    write(b, o);
                }
                b.append(']');
            }
            case Wire w -> quote(b, w.wire());
            default -> quote(b, v.toString());
        }
    }

    /** Types with a stable wire name. */
    public interface Wire {
        String wire();

        /**
         * The constant of {@code values} named {@code value} on the wire, or null for null; a name none
         * has comes from a daemon newer than this client, and is an {@code internal} error naming {@code field}.
         */
        static <E extends Enum<E> & Wire> E of(String field, String value, E[] values) {
            if (value == null) {
                return null;
            }
            for (E e : values) {
                if (e.wire().equals(value)) {
                    return e;
                }
            }
            throw new StewardException(ErrorCode.INTERNAL,
                    field + ": '" + value + "' is not a value this client knows; is the daemon newer?");
        }
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

}
