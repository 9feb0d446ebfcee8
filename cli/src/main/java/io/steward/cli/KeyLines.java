package io.steward.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where keys are in the text: the line of each {@code [[app]]} header, of each key of each app
 * (the first part of a dotted key), of the keys of an app's sub-tables ({@code [app.env]} gives
 * {@code env} and {@code env.NAME}), and of top-level keys. Multi-line strings are skipped. The
 * TOML parser that reads an {@link AppsFile} builds a tree without positions, hence this scan.
 */
final class KeyLines {
    private static final Pattern KEY = Pattern.compile("^(\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\\s*([.=])");
    private final List<Integer> headers = new ArrayList<>();
    private final List<Map<String, Integer>> keys = new ArrayList<>();
    private final Map<String, Integer> top = new HashMap<>();

    static KeyLines of(String text) {
        KeyLines k = new KeyLines();
        String[] lines = text.split("\n", -1);
        String open = null;
        String table = "";
        for (int i = 0; i < lines.length; i++) {
            int n = i + 1;
            String t = lines[i].strip();
            if (open != null) {
                if (t.contains(open)) {
                    open = null;
                }
                continue;
            }
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.startsWith("[[")) {
                table = "other";
                if (bracketed(t, "[[", "]]").equals("app")) {
                    k.headers.add(n);
                    k.keys.add(new HashMap<>());
                    table = "app";
                }
                continue;
            }
            if (t.startsWith("[")) {
                String name = bracketed(t, "[", "]");
                table = "other";
                if (name.startsWith("app.") && !k.keys.isEmpty()) {
                    table = name.substring(4).strip();
                    k.keys.getLast().putIfAbsent(table.split("\\.")[0].strip(), n);
                }
                continue;
            }
            Matcher m = KEY.matcher(t);
            if (m.find()) {
                String key = unquote(m.group(1));
                if (table.equals("app")) {
                    k.keys.getLast().putIfAbsent(key, n);
                } else if (table.isEmpty()) {
                    k.top.putIfAbsent(key, n);
                } else if (!table.equals("other")) {
                    k.keys.getLast().putIfAbsent(table + "." + key, n);
                }
                String value = t.substring(t.indexOf('=') + 1);
                open = odd(value, "\"\"\"") ? "\"\"\"" : odd(value, "'''") ? "'''" : null;
            }
        }
        return k;
    }

    private static String bracketed(String t, String open, String close) {
        int end = t.indexOf(close, open.length());
        return (end < 0 ? t.substring(open.length()) : t.substring(open.length(), end)).strip();
    }

    private static String unquote(String key) {
        return key.startsWith("\"") || key.startsWith("'") ? key.substring(1, key.length() - 1) : key;
    }

    private static boolean odd(String s, String delimiter) {
        int count = 0;
        for (int at = s.indexOf(delimiter); at >= 0; at = s.indexOf(delimiter, at + delimiter.length())) {
            count++;
        }
        return count % 2 == 1;
    }

    int header(int app) {
        return app < headers.size() ? headers.get(app) : 1;
    }

    /** The line of an app's key: the key, else its first dotted part, else the app's header. */
    int key(int app, String key) {
        Map<String, Integer> mine = app < keys.size() ? keys.get(app) : Map.of();
        Integer line = mine.get(key);
        if (line == null && key.contains(".")) {
            line = mine.get(key.substring(0, key.indexOf('.')));
        }
        return line != null ? line : header(app);
    }

    int top(String key) {
        return top.getOrDefault(key, 1);
    }
}
