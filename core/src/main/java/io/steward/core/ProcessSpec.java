package io.steward.core;

import io.steward.api.ErrorCode;
import io.steward.api.Overflow;
import io.steward.api.StewardException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one process. Immutable; build with {@link #builder(List)}.
 *
 * @param cwd working directory, or null for the caller's
 * @param clearEnv start from an empty environment instead of the caller's
 * @param env variables set on top of the base environment
 * @param pty rows and columns of a pseudo-terminal for stdin, stdout and stderr, or null for pipes
 * @param nice niceness applied right after spawn, or null to inherit
 * @param originator tag exported as {@code STEWARD_ORIGINATOR} so descendants can be found; null: generated
 * @param pidVariable a variable to export holding the child's own pid (systemd's {@code WATCHDOG_PID}),
 *     or null; a pid is known only after the spawn, so the program is exec'd through {@code /bin/sh}
 * @param observe what of the tree to report to the runtime's listeners ({@link ProcessActivity.Listener},
 *     {@link ObservationListener}); membership is kept either way
 */
public record ProcessSpec(List<String> argv, Path cwd, boolean clearEnv, Map<String, String> env, Stdin stdin,
        boolean mergeStderr, PtySize pty, Grouping grouping, Integer nice, String originator, int ringBytes,
        Overflow overflow, String pidVariable, java.util.Set<Observe> observe) {

    public static final String ORIGINATOR_VAR = "STEWARD_ORIGINATOR";

    /** Whether the tree asked to have {@code what} observed. */
    public boolean observes(Observe what) {
        return observe.contains(what);
    }

    /** Where the child's stdin comes from. */
    public enum Stdin { PIPE, NULL, INHERIT }

    /** How the child is isolated for signalling: its own session, or its own process group in ours. */
    public enum Grouping { NEW_SESSION, NEW_GROUP }

    /** A terminal size; both between 1 and 10000. */
    public record PtySize(int rows, int cols) {
        public PtySize {
            if (rows < 1 || rows > 10_000 || cols < 1 || cols > 10_000) {
                throw new StewardException(ErrorCode.INVALID_INPUT,
                        "terminal size " + rows + "x" + cols + " outside 1..10000");
            }
        }
    }

    public ProcessSpec {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "empty command");
        }
        for (String a : argv) {
            requireCString("argument", a);
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "invalid environment name '" + e.getKey() + "'");
            }
            requireCString("environment name", e.getKey());
            requireCString("environment value", e.getValue());
        }
        if (ringBytes < Ring.MIN_CAPACITY || ringBytes > Ring.MAX_CAPACITY) {
            throw new StewardException(ErrorCode.INVALID_INPUT,
                    "ring size " + ringBytes + " outside " + Ring.MIN_CAPACITY + ".." + Ring.MAX_CAPACITY + " bytes");
        }
        if (nice != null && (nice < -20 || nice > 19)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "nice " + nice + " outside -20..19");
        }
        if (pidVariable != null && !pidVariable.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "invalid variable name '" + pidVariable + "'");
        }
        if (pty != null && stdin == Stdin.INHERIT) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "a pty session cannot inherit stdin");
        }
    }

    /**
     * A string that goes to the child as a C string in UTF-8: a NUL would cut it short, and half a
     * surrogate pair has no UTF-8 form (the encoder would put '?' in its place), so both are refused.
     */
    private static void requireCString(String what, String value) {
        String problem = cStringProblem(value);
        if (problem != null) {
            throw new StewardException(ErrorCode.INVALID_INPUT, what + " " + problem);
        }
    }

    /** Why {@code value} cannot be passed to a program as a C string in UTF-8, or null when it can. */
    public static String cStringProblem(String value) {
        return io.steward.api.CStringRule.problem(value);
    }

    public static Builder builder(List<String> argv) {
        return new Builder(argv);
    }

    public static Builder builder(String... argv) {
        return new Builder(List.of(argv));
    }

    public Builder toBuilder() {
        Builder b = new Builder(argv);
        b.cwd = cwd;
        b.clearEnv = clearEnv;
        b.env.putAll(env);
        b.stdin = stdin;
        b.mergeStderr = mergeStderr;
        b.pty = pty;
        b.grouping = grouping;
        b.nice = nice;
        b.originator = originator;
        b.ringBytes = ringBytes;
        b.overflow = overflow;
        b.pidVariable = pidVariable;
        b.observe.addAll(observe);
        return b;
    }

    /** Defaults: inherited environment, stdin a pipe, stderr apart, own session, 1 MiB drop-oldest rings. */
    public static final class Builder {
        private final List<String> argv;
        private Path cwd;
        private boolean clearEnv;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Stdin stdin = Stdin.PIPE;
        private boolean mergeStderr;
        private PtySize pty;
        private Grouping grouping = Grouping.NEW_SESSION;
        private Integer nice;
        private String originator;
        private int ringBytes = Ring.DEFAULT_CAPACITY;
        private Overflow overflow = Overflow.DROP_OLDEST;
        private String pidVariable;
        private final java.util.EnumSet<Observe> observe = java.util.EnumSet.noneOf(Observe.class);

        private Builder(List<String> argv) {
            this.argv = new ArrayList<>(argv);
        }

        public Builder cwd(Path dir) { this.cwd = dir; return this; }
        public Builder clearEnv(boolean clear) { this.clearEnv = clear; return this; }
        public Builder env(String name, String value) { env.put(name, value); return this; }
        public Builder env(Map<String, String> vars) { env.putAll(vars); return this; }
        public Builder stdin(Stdin mode) { this.stdin = mode; return this; }
        public Builder mergeStderr(boolean merge) { this.mergeStderr = merge; return this; }
        public Builder pty(int rows, int cols) { this.pty = new PtySize(rows, cols); return this; }
        public Builder grouping(Grouping g) { this.grouping = g; return this; }
        public Builder nice(Integer n) { this.nice = n; return this; }
        public Builder originator(String tag) { this.originator = tag; return this; }
        public Builder ringBytes(int bytes) { this.ringBytes = bytes; return this; }
        public Builder overflow(Overflow o) { this.overflow = o; return this; }
        public Builder pidVariable(String name) { this.pidVariable = name; return this; }
        public Builder observe(java.util.Collection<Observe> what) {
            observe.clear();
            observe.addAll(what);
            return this;
        }

        public ProcessSpec build() {
            return new ProcessSpec(argv, cwd, clearEnv, env, stdin, mergeStderr, pty,
                    pty != null ? Grouping.NEW_SESSION : grouping, nice, originator, ringBytes, overflow, pidVariable,
                    java.util.Collections.unmodifiableSet(java.util.EnumSet.copyOf(observe)));
        }
    }
}
