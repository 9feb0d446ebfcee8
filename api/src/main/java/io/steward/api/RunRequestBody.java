package io.steward.api;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /v1/sessions}: one component per option of {@link RunOptions}, null
 * for an option left out (the daemon then takes its default, {@link #effective}). What was left
 * out stays out when it is written again, so a request kept and compared later (an app of an apply,
 * a saved app) means what it meant when it came.
 */
public record RunRequestBody(List<String> argv, String name, String label, Boolean pty, Integer rows, Integer cols,
        String cwd, Map<String, String> env, Boolean clearEnv, Boolean mergeStderr, Integer ringBytes,
        Overflow overflow, Duration maxLifetime, Duration idleTimeout, Long maxMemory, Duration retain, Duration grace,
        RestartMode restart, Integer maxRestarts, Duration restartWindow, Boolean logFile, Boolean logTimestamps, Boolean notifySocket,
        Duration watchdog, Duration stallAfter, Duration startTimeout, String onStall, String reloadSignal,
        List<String> observe) {

    /**
     * Reads a body strictly: an unknown field, JSON null in a field, a value of the wrong type or out
     * of its range, and options that do not go together are {@code invalid-input} naming the field,
     * so a typo never silently falls back to a default.
     */
    public static RunRequestBody fromJson(Map<String, Object> json) {
        Refusals.requireKnownFields(json, field -> RunOptions.byWire(field).isPresent(), "");
        for (RunOption<?> o : RunOptions.REQUIRED) {
            if (!json.containsKey(o.wire())) {
                throw invalid(o.wire() + ": a value is required; it has no default");
            }
        }
        Builder b = new Builder();
        for (RunOption<?> o : RunOptions.ALL) {
            if (json.containsKey(o.wire())) {
                b.read(o, json.get(o.wire()));
            }
        }
        RunRequestBody body = b.build();
        body.checkCombinations();
        return body;
    }

    /** The body as JSON: the options given, in the table's order. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (RunOption<?> o : RunOptions.ALL) {
            put(m, o);
        }
        return m;
    }

    private <T> void put(Map<String, Object> m, RunOption<T> o) {
        T v = o.value().apply(this);
        if (v != null) {
            m.put(o.wire(), o.type().write(v));
        }
    }

    /** The option's value as given; null when it was left out. */
    public <T> T given(RunOption<T> option) {
        return option.value().apply(this);
    }

    /** The option's value as given, else its default (null for an option without one). */
    public <T> T effective(RunOption<T> option) {
        T v = option.value().apply(this);
        return v != null ? v : option.defaultValue();
    }

    /** The categories it asked to observe, none when it asked for none. */
    public List<String> effectiveObserve() {
        return observe != null ? observe : List.of();
    }

    /** Whether it asked to observe {@code category} ({@code process}, {@code file}, {@code network}). */
    public boolean observes(String category) {
        return observe != null && observe.contains(category);
    }

    /** Whether a stall threshold is set: only then is the session watched. */
    public boolean watched() {
        return watchdog != null || stallAfter != null;
    }

    /** The rules between options; each option's own form and range are its type's to check. */
    private void checkCombinations() {
        if (!effective(RunOptions.PTY) && (rows != null || cols != null)) {
            throw invalid("rows/cols apply to pty sessions only");
        }
        if (effective(RunOptions.RESTART) == RestartMode.NEVER && (maxRestarts != null || restartWindow != null)) {
            throw invalid("maxRestarts and restartWindowMs need restart on-failure or always");
        }
        if (!watched() && !effective(RunOptions.ON_STALL).equals("none")) {
            throw invalid("onStall: needs stallAfterMs or watchdogMs, the silence that makes a stall");
        }
        if (!watched() && startTimeout != null) {
            throw invalid("startTimeoutMs: needs stallAfterMs or watchdogMs: only a watched session has a first proof to wait for");
        }
    }

    public static Builder builder(List<String> argv) {
        return new Builder().set(RunOptions.ARGV, argv);
    }

    /** A builder whose command is still to be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A body built option by option, as the CLI and an apps file give them. */
    public static final class Builder {
        private final Map<RunOption<?>, Object> values = new HashMap<>();

        private Builder() {}

        /** Sets an option; null leaves it out. */
        public <T> Builder set(RunOption<T> option, T value) {
            if (value == null) {
                values.remove(option);
            } else {
                values.put(option, value);
            }
            return this;
        }

        /** The option's value so far, or null. */
        @SuppressWarnings("unchecked")
        public <T> T get(RunOption<T> option) {
            return (T) values.get(option);
        }

        private <T> void read(RunOption<T> option, Object json) {
            set(option, option.type().read(option.wire(), json));
        }

        public RunRequestBody build() {
            return new RunRequestBody(get(RunOptions.ARGV), get(RunOptions.NAME), get(RunOptions.LABEL),
                    get(RunOptions.PTY), get(RunOptions.ROWS), get(RunOptions.COLS), get(RunOptions.CWD),
                    get(RunOptions.ENV), get(RunOptions.CLEAR_ENV), get(RunOptions.MERGE_STDERR),
                    get(RunOptions.RING_BYTES), get(RunOptions.OVERFLOW), get(RunOptions.MAX_LIFETIME),
                    get(RunOptions.IDLE_TIMEOUT), get(RunOptions.MAX_MEMORY), get(RunOptions.RETAIN), get(RunOptions.GRACE),
                    get(RunOptions.RESTART), get(RunOptions.MAX_RESTARTS), get(RunOptions.RESTART_WINDOW),
                    get(RunOptions.LOG_FILE), get(RunOptions.LOG_TIMESTAMPS), get(RunOptions.NOTIFY), get(RunOptions.WATCHDOG),
                    get(RunOptions.STALL_AFTER), get(RunOptions.START_TIMEOUT), get(RunOptions.ON_STALL),
                    get(RunOptions.RELOAD_SIGNAL), get(RunOptions.OBSERVE));
        }
    }

    private static StewardException invalid(String message) {
        return new StewardException(ErrorCode.INVALID_INPUT, message);
    }
}
