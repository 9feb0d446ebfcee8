package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dotenv file ({@code run --env-file}, an app's {@code env-file}): {@code KEY=value} lines,
 * optionally after {@code export}, with {@code #} comments and blank lines; a value in single
 * quotes is taken as it is, one in double quotes reads {@code \n}, {@code \"} and {@code \\}.
 * Nothing is expanded: {@code $HOME} stays {@code $HOME}, as the file reads. A line it cannot read
 * is one error naming the file and the line, so nothing half-read reaches a session.
 */
final class DotEnv {
    private static final Pattern LINE = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(.*)");

    private DotEnv() {}

    /** The variables of {@code file}, in its order (a later line wins); {@code shown} names it in errors. */
    static Map<String, String> read(Path file, String shown) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, shown + ": no such file");
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, shown + ": cannot read it: " + e.getMessage());
        }
        return parse(text, shown);
    }

    static Map<String, String> parse(String text, String shown) {
        Map<String, String> vars = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw bad(shown, i, "expected KEY=value, not '" + abbreviated(line) + "'");
            }
            vars.put(m.group(1), value(m.group(2), shown, i));
        }
        return vars;
    }

    private static String value(String raw, String shown, int i) {
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) {
                throw bad(shown, i, "a single quote is not closed");
            }
            rest(raw.substring(end + 1), shown, i);
            return raw.substring(1, end);
        }
        if (raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int j = 1; j < raw.length(); j++) {
                char c = raw.charAt(j);
                if (c == '"') {
                    rest(raw.substring(j + 1), shown, i);
                    return out.toString();
                }
                if (c == '\\' && j + 1 < raw.length()) {
                    char next = raw.charAt(++j);
                    switch (next) {
                        case 'n' -> out.append('\n');
                        case '"', '\\' -> out.append(next);
                        default -> out.append('\\').append(next); // as written: only these three are escapes
                    }
                } else {
                    out.append(c);
                }
            }
            throw bad(shown, i, "a double quote is not closed");
        }
        // unquoted: a comment starts at " #", so a '#' inside a word (a URL's fragment) stays
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }

    /** What follows a closing quote: nothing but blanks and a comment. */
    private static void rest(String after, String shown, int i) {
        String s = after.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
            throw bad(shown, i, "unexpected '" + abbreviated(s) + "' after the closing quote");
        }
    }

    private static String abbreviated(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    private static StewardException bad(String shown, int index, String why) {
        return new StewardException(ErrorCode.INVALID_INPUT, shown + ":" + (index + 1) + ": " + why);
    }
}
