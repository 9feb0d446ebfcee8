package io.steward.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.steward.api.Durations;
import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An apps file: TOML, one {@code [[app]]} table per app with {@code run}'s options in kebab-case,
 * read into the apps of {@code POST /v1/apply} (each a run request in camelCase). Every error is
 * one line naming the file, the line and the key. The TOML parser builds a tree without positions,
 * so the lines of keys come from {@link KeyLines}, a scan of the text itself.
 */
final class AppsFile {
    /** Keys that take a duration ({@code "30s"}), by the request field they become. */
    private static final Map<String, String> DURATIONS = Map.of("max-lifetime", "maxLifetimeMs",
            "idle-timeout", "idleTimeoutMs", "retain", "retainMs", "grace", "graceMs", "within", "restartWindowMs",
            "watchdog", "watchdogMs", "stall-after", "stallAfterMs", "start-timeout", "startTimeoutMs");
    private static final Map<String, String> STRINGS = Map.of("cwd", "cwd", "overflow", "overflow", "restart", "restart",
            "label", "label", "on-stall", "onStall");
    private static final Map<String, String> BOOLEANS = Map.of("pty", "pty", "merge-stderr", "mergeStderr",
            "clear-env", "clearEnv", "notify", "notify");
    private static final Map<String, String> INTEGERS = Map.of("rows", "rows", "cols", "cols", "ring-bytes", "ringBytes",
            "max-restarts", "maxRestarts");
    private static final Set<String> OTHERS = Set.of("name", "cmd", "argv", "env", "after", "ready-port", "ready-timeout");

    private final String shown;
    private final KeyLines lines;
    private final List<String> names = new ArrayList<>();
    final List<Map<String, Object>> apps = new ArrayList<>();

    private AppsFile(String shown, KeyLines lines) {
        this.shown = shown;
        this.lines = lines;
    }

    /** Reads and checks {@code file}; {@code shown} is how errors name it (as the user wrote it). */
    static AppsFile read(Path file, String shown) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, shown + ": no such file");
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, shown + ": cannot read it: " + e.getMessage());
        }
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JacksonException e) {
            int line = e.getLocation() != null ? e.getLocation().getLineNr() : 0;
            throw new StewardException(ErrorCode.INVALID_INPUT, shown + (line > 0 ? ":" + line : "") + ": "
                    + e.getOriginalMessage().strip() + " (not valid TOML)");
        }
        AppsFile f = new AppsFile(shown, KeyLines.of(text));
        f.load(root);
        return f;
    }

    private void load(JsonNode root) {
        var fields = root.properties().iterator();
        while (fields.hasNext()) {
            String key = fields.next().getKey();
            if (!key.equals("app")) {
                throw error(lines.top(key), "unknown key '" + key + "' (apps are [[app]] tables)");
            }
        }
        JsonNode list = root.get("app");
        if (list != null && !(list.isArray() && allTables(list))) {
            throw error(lines.top("app"), "'app' must be [[app]] tables");
        }
        for (int i = 0; list != null && i < list.size(); i++) {
            apps.add(app(i, list.get(i)));
        }
        checkAfter();
    }

    private static boolean allTables(JsonNode list) {
        for (JsonNode n : list) {
            if (!n.isObject()) {
                return false;
            }
        }
        return true;
    }

    private Map<String, Object> app(int i, JsonNode table) {
        JsonNode nameNode = table.get("name");
        String name = nameNode != null && nameNode.isTextual() ? nameNode.asText() : null;
        String where = name != null ? "app \"" + name + "\": " : "app #" + (i + 1) + ": ";
        if (name == null) {
            throw error(lines.key(i, "name"), where + (nameNode == null ? "missing key 'name'" : "'name' must be a string"));
        }
        if (names.contains(name)) {
            throw error(lines.key(i, "name"), where + "the name is used by another app of the file");
        }
        names.add(name);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("name", name);
        var fields = table.properties().iterator();
        while (fields.hasNext()) {
            var e = fields.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            int line = lines.key(i, key);
            String at = where + "'" + key + "' ";
            if (DURATIONS.containsKey(key)) {
                String text = string(v, line, at);
                try {
                    request.put(DURATIONS.get(key), Durations.parse(text).toMillis());
                } catch (StewardException bad) {
                    throw error(line, where + "'" + key + "': " + bad.getMessage());
                }
            } else if (STRINGS.containsKey(key)) {
                request.put(STRINGS.get(key), string(v, line, at));
            } else if (BOOLEANS.containsKey(key)) {
                if (!v.isBoolean()) {
                    throw error(line, at + "must be true or false, not " + kind(v));
                }
                request.put(BOOLEANS.get(key), v.booleanValue());
            } else if (INTEGERS.containsKey(key)) {
                request.put(INTEGERS.get(key), integer(v, line, at));
            } else if (key.equals("cmd")) {
                request.put("argv", List.of("sh", "-c", string(v, line, at)));
            } else if (key.equals("argv")) {
                List<String> argv = strings(v, line, at);
                if (argv.isEmpty()) {
                    throw error(line, at + "must not be empty");
                }
                request.put("argv", argv);
            } else if (key.equals("env")) {
                request.put("env", env(i, v, line, where));
            } else if (key.equals("after")) {
                app.put("after", strings(v, line, at));
            } else if (key.equals("ready-port")) {
                long port = integer(v, line, at);
                if (port < 1 || port > 65_535) {
                    throw error(line, at + "must be a port, 1..65535, not " + port);
                }
                app.put("readyPort", port);
            } else if (key.equals("ready-timeout")) {
                try {
                    app.put("readyTimeoutMs", Durations.parse(string(v, line, at)).toMillis());
                } catch (StewardException bad) {
                    throw error(line, where + "'" + key + "': " + bad.getMessage());
                }
            } else if (!key.equals("name")) {
                throw error(line, where + "unknown key '" + key + "'");
            }
        }
        if (table.has("cmd") && table.has("argv")) {
            throw error(Math.max(lines.key(i, "cmd"), lines.key(i, "argv")), where + "both 'cmd' and 'argv'; give one");
        }
        if (!request.containsKey("argv")) {
            throw error(lines.header(i), where + "missing key 'cmd' (or 'argv')");
        }
        request.putIfAbsent("restart", "on-failure");
        app.put("request", request);
        return app;
    }

    private Map<String, Object> env(int i, JsonNode v, int line, String where) {
        if (!v.isObject()) {
            throw error(line, where + "'env' must be a table of strings, not " + kind(v));
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        var fields = v.properties().iterator();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isTextual()) {
                throw error(lines.key(i, "env." + e.getKey()), where + "'env." + e.getKey() + "' must be a string, not "
                        + kind(e.getValue()));
            }
            vars.put(e.getKey(), e.getValue().asText());
        }
        return vars;
    }

    /** Every {@code after} names an app of the file, and they form no cycle. */
    private void checkAfter() {
        Map<String, List<String>> deps = new HashMap<>();
        for (int i = 0; i < apps.size(); i++) {
            @SuppressWarnings("unchecked")
            List<String> after = (List<String>) apps.get(i).getOrDefault("after", List.of());
            for (String d : after) {
                if (!names.contains(d)) {
                    throw error(lines.key(i, "after"), "app \"" + names.get(i) + "\": 'after' names no app of the file: \"" + d + "\"");
                }
            }
            deps.put(names.get(i), after);
        }
        for (int i = 0; i < apps.size(); i++) {
            List<String> path = new ArrayList<>();
            if (cycle(names.get(i), deps, path)) {
                throw error(lines.key(i, "after"), "app \"" + names.get(i) + "\": 'after' makes a cycle: "
                        + String.join(" -> ", path));
            }
        }
    }

    /** Whether following {@code after} from {@code name} comes back to where it started; the way in {@code path}. */
    private static boolean cycle(String name, Map<String, List<String>> deps, List<String> path) {
        if (!path.isEmpty() && name.equals(path.getFirst())) {
            path.add(name);
            return true;
        }
        if (path.contains(name)) {
            return false;
        }
        path.add(name);
        for (String d : deps.get(name)) {
            if (cycle(d, deps, path)) {
                return true;
            }
        }
        path.removeLast();
        return false;
    }

    /**
     * The daemon's refusal of one app's request ({@code app "api": rows: ...}), placed at the line
     * of the key it is about; other refusals name the file.
     */
    StewardException locate(StewardException e) {
        Matcher m = Pattern.compile("^app \"([^\"]+)\": (\\w+)").matcher(e.getMessage());
        if (m.find() && names.contains(m.group(1))) {
            int i = names.indexOf(m.group(1));
            return new StewardException(e.code(), shown + ":" + lines.key(i, kebab(m.group(2))) + ": " + e.getMessage());
        }
        return new StewardException(e.code(), shown + ": " + e.getMessage());
    }

    /** The file's key for a request field: {@code ringBytes} is {@code ring-bytes}, {@code graceMs} {@code grace}. */
    private static String kebab(String field) {
        for (Map<String, String> keys : List.of(DURATIONS, STRINGS, BOOLEANS, INTEGERS)) {
            for (var e : keys.entrySet()) {
                if (e.getValue().equals(field)) {
                    return e.getKey();
                }
            }
        }
        return switch (field) {
            case "argv" -> "cmd";
            case "readyPort" -> "ready-port";
            case "readyTimeoutMs" -> "ready-timeout";
            default -> field;
        };
    }

    private String string(JsonNode v, int line, String at) {
        if (!v.isTextual()) {
            throw error(line, at + "must be a string, not " + kind(v));
        }
        return v.asText();
    }

    private long integer(JsonNode v, int line, String at) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw error(line, at + "must be an integer, not " + kind(v));
        }
        return v.longValue();
    }

    private List<String> strings(JsonNode v, int line, String at) {
        if (!v.isArray()) {
            throw error(line, at + "must be an array of strings, not " + kind(v));
        }
        List<String> out = new ArrayList<>();
        for (JsonNode s : v) {
            if (!s.isTextual()) {
                throw error(line, at + "must be an array of strings, not one holding " + kind(s));
            }
            out.add(s.asText());
        }
        return out;
    }

    private static String kind(JsonNode v) {
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isIntegralNumber()) {
            return "an integer";
        }
        if (v.isNumber()) {
            return "a float";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isArray()) {
            return "an array";
        }
        return v.isObject() ? "a table" : "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private StewardException error(int line, String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, shown + ":" + Math.max(line, 1) + ": " + message);
    }
}
