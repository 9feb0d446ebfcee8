package io.steward.cli;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.steward.api.BoolType;
import io.steward.api.BytesType;
import io.steward.api.LongBytesType;
import io.steward.api.ChoiceType;
import io.steward.api.ErrorCode;
import io.steward.api.IntType;
import io.steward.api.MillisType;
import io.steward.api.ObserveType;
import io.steward.api.OptionType;
import io.steward.api.RestartMode;
import io.steward.api.RunOption;
import io.steward.api.RunOptions;
import io.steward.api.RunRequestBody;
import io.steward.api.StewardException;
import io.steward.api.TextListType;
import io.steward.api.TextMapType;
import io.steward.api.TextType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An apps file: TOML, one {@code [[app]]} table per app with {@code run}'s options under their
 * keys of {@link RunOptions} (kebab-case, durations as strings), read into the apps of
 * {@code POST /v1/apply}, each with its run request. Every error is one line naming the file, the
 * line and the key; a value is checked by its option's type, as the daemon would check it. The TOML
 * parser builds a tree without positions, so the lines of keys come from {@link KeyLines}, a scan
 * of the text itself.
 *
 * <p>Paths in the file are the file's, as in a compose file: a relative {@code cwd}, a relative
 * program of {@code argv} ({@code ./web}, {@code bin/api}: a slash, not a leading one) and an
 * {@code env-file} are under the file's directory, wherever apply is run from. An app does not
 * take the environment of whoever applies the file: it is what the file says.
 */
final class AppsFile {
    private static final MillisType READY_TIMEOUT = new MillisType(0);

    private final String shown;
    private final Path dir;
    private final KeyLines lines;
    private final List<String> names = new ArrayList<>();
    final List<Map<String, Object>> apps = new ArrayList<>();

    private AppsFile(String shown, Path dir, KeyLines lines) {
        this.shown = shown;
        this.dir = dir;
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
        AppsFile f = new AppsFile(shown, file.toAbsolutePath().normalize().getParent(), KeyLines.of(text));
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
        RunRequestBody.Builder request = RunRequestBody.builder();
        List<Map<String, String>> envFiles = List.of();
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("name", name);
        var fields = table.properties().iterator();
        while (fields.hasNext()) {
            var e = fields.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            int line = lines.key(i, key);
            Optional<RunOption<?>> option = RunOptions.byKey(key);
            if (option.isPresent()) {
                option(request, option.get(), ours(option.get(), texts(i, option.get(), v, line, where)), line, where);
            } else if (key.equals("env-file")) {
                envFiles = envFiles(v, line, where);
            } else {
                appKey(request, app, key, v, line, where);
            }
        }
        if (!envFiles.isEmpty()) {
            Map<String, String> env = new LinkedHashMap<>();
            envFiles.forEach(env::putAll);
            Map<String, String> fromTable = request.get(RunOptions.ENV);
            if (fromTable != null) {
                env.putAll(fromTable);
            }
            option(request, RunOptions.ENV, env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                    lines.key(i, "env-file"), where);
        }
        if (table.has("cmd") && table.has("argv")) {
            throw error(Math.max(lines.key(i, "cmd"), lines.key(i, "argv")), where + "both 'cmd' and 'argv'; give one");
        }
        if (request.get(RunOptions.ARGV) == null) {
            throw error(lines.header(i), where + "missing key 'cmd' (or 'argv')");
        }
        if (request.get(RunOptions.RESTART) == null) {
            request.set(RunOptions.RESTART, RestartMode.ON_FAILURE);
        }
        app.put("request", request.build().toJson());
        return app;
    }

    /** A key of an app that is not a run option: its command as a shell line, and when it is ready. */
    private void appKey(RunRequestBody.Builder request, Map<String, Object> app, String key, JsonNode v, int line,
            String where) {
        String at = where + "'" + key + "' ";
        switch (key) {
            case "cmd" -> request.set(RunOptions.ARGV, List.of("sh", "-c", string(v, line, at)));
            case "after" -> app.put("after", strings(v, line, at));
            case "ready-port" -> {
                long port = integer(v, line, at);
                if (port < 1 || port > 65_535) {
                    throw error(line, at + "must be a port, 1..65535, not " + port);
                }
                app.put("readyPort", port);
            }
            case "ready-timeout" ->
                app.put("readyTimeoutMs", parsed(READY_TIMEOUT, key, string(v, line, at), line, where).toMillis());
            default -> throw error(line, where + "unknown key '" + key + "'");
        }
    }

    /** The texts of a key with its paths made the file's: a relative {@code cwd} or program is under its directory. */
    private List<String> ours(RunOption<?> o, List<String> texts) {
        if (o == RunOptions.CWD && !texts.getFirst().startsWith("/")) {
            return List.of(dir.resolve(texts.getFirst()).normalize().toString());
        }
        if (o == RunOptions.ARGV && !texts.isEmpty() && texts.getFirst().indexOf('/') > 0) {
            List<String> argv = new ArrayList<>(texts);
            argv.set(0, dir.resolve(texts.getFirst()).normalize().toString());
            return argv;
        }
        return texts;
    }

    /** The variables of an app's {@code env-file} (a path or a list of them, under the file's directory), in order. */
    private List<Map<String, String>> envFiles(JsonNode v, int line, String where) {
        String at = where + "'env-file' ";
        List<String> paths = v.isTextual() ? List.of(v.asText()) : strings(v, line, at + "(a path, or an array of them) ");
        List<Map<String, String>> files = new ArrayList<>();
        for (String p : paths) {
            try {
                files.add(DotEnv.read(dir.resolve(p), p));
            } catch (StewardException bad) {
                throw error(line, at + bad.getMessage());
            }
        }
        return files;
    }

    /** Sets a run option from the texts of its key, as its type parses them. */
    private <T> void option(RunRequestBody.Builder request, RunOption<T> o, List<String> texts, int line, String where) {
        try {
            request.set(o, o.type().parseAll(o.key(), texts));
        } catch (StewardException bad) {
            throw error(line, where + bad.getMessage());
        }
    }

    private <T> T parsed(OptionType<T> type, String key, String text, int line, String where) {
        try {
            return type.parse(key, text);
        } catch (StewardException bad) {
            throw error(line, where + bad.getMessage());
        }
    }

    /**
     * The TOML value of a run option's key as the text its type parses (a list and a map as their
     * items), once it has the TOML type the option takes: a boolean, an integer (a size may be a
     * string too: {@code "64K"}), an array or a table of strings, or a string.
     */
    private List<String> texts(int i, RunOption<?> o, JsonNode v, int line, String where) {
        String at = where + "'" + o.key() + "' ";
        return switch (o.type()) {
            case BoolType b -> {
                if (!v.isBoolean()) {
                    throw error(line, at + "must be true or false, not " + kind(v));
                }
                yield List.of(v.asText());
            }
            case IntType n -> List.of(Long.toString(integer(v, line, at)));
            case BytesType n -> List.of(v.isTextual() ? v.asText() : Long.toString(integer(v, line, at)));
            case LongBytesType n -> List.of(v.isTextual() ? v.asText() : Long.toString(integer(v, line, at)));
            case TextListType l -> strings(v, line, at);
            case TextMapType m -> env(i, o.key(), v, line, where);
            case MillisType d -> List.of(string(v, line, at));
            case ChoiceType<?> c -> List.of(string(v, line, at));
            case TextType t -> List.of(string(v, line, at));
            case ObserveType c -> v.isTextual() ? List.of(v.asText()) : strings(v, line, at);
        };
    }

    /** A table of strings as the {@code K=V} entries its option's type parses. */
    private List<String> env(int i, String key, JsonNode v, int line, String where) {
        if (!v.isObject()) {
            throw error(line, where + "'" + key + "' must be a table of strings, not " + kind(v));
        }
        List<String> entries = new ArrayList<>();
        var fields = v.properties().iterator();
        while (fields.hasNext()) {
            var e = fields.next();
            if (!e.getValue().isTextual()) {
                throw error(lines.key(i, key + "." + e.getKey()), where + "'" + key + "." + e.getKey()
                        + "' must be a string, not " + kind(e.getValue()));
            }
            if (e.getKey().indexOf('=') >= 0) {
                throw error(lines.key(i, key + "." + e.getKey()), where + "'" + key + "." + e.getKey()
                        + "': a name without '=' is required");
            }
            entries.add(e.getKey() + "=" + e.getValue().asText());
        }
        return entries;
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
            String key = kebab(m.group(2));
            // the command is the key 'cmd' or 'argv', whichever the app has (a missing one is at its header)
            int line = key.equals("argv") ? Math.max(lines.key(i, "cmd"), lines.key(i, "argv")) : lines.key(i, key);
            return new StewardException(e.code(), shown + ":" + line + ": " + e.getMessage());
        }
        return new StewardException(e.code(), shown + ": " + e.getMessage());
    }

    /** The file's key for a request field: {@code ringBytes} is {@code ring-bytes}, {@code graceMs} {@code grace}. */
    private static String kebab(String field) {
        return switch (field) {
            case "readyPort" -> "ready-port";
            case "readyTimeoutMs" -> "ready-timeout";
            default -> RunOptions.byWire(field).map(RunOption::key).orElse(field);
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
