package io.steward.cli;

import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Parses the plain verbs without picocli, from the table javac wrote from their annotations
 * ({@link VerbTable}): picocli's model, or even reading an annotation at run time, was most of a
 * short command's time (bench/RESULTS.md, cli-latency). It handles only what those verbs use
 * (flags, single-valued options, positionals by index, defaults); anything else (help, an unknown
 * option, a missing or malformed value) returns null, and picocli parses the line instead, with
 * its usual messages.
 */
final class QuickLine {
    /**
     * Verbs whose options are all flags or single values, that never take a command line, and that
     * only talk to the daemon: no shutdown hook, no process of their own (Main halts after them).
     */
    static final Set<String> PLAIN = Set.of("ls", "status", "logs", "send", "signal", "stop", "kill", "wait",
            "resize", "rm", "purge", "kill-older", "events", "ports", "tree", "observe", "caps", "checkpoints", "restore", "gc");

    private QuickLine() {}

    /** The verb's command with its fields set, or null when picocli should parse this line. */
    static Callable<Integer> parse(Class<?> type, String verb, String[] args) {
        QuickSpec spec = PLAIN.contains(verb) ? VerbTable.spec(type) : null;
        if (spec == null) {
            return null;
        }
        Object command = VerbTable.create(type);
        for (QuickSpec.Param o : spec.options()) {
            if (o.defaultValue() != null && !set(command, o, o.defaultValue())) {
                return null;
            }
        }
        int next = 0;
        boolean listed = false;
        boolean onlyPositionals = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!onlyPositionals && a.equals("--")) {
                onlyPositionals = true;
            } else if (!onlyPositionals && a.startsWith("-") && a.length() > 1) {
                String name = a;
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                }
                QuickSpec.Param o = option(spec, name);
                if (o == null) {
                    return null;
                }
                if (o.kind() == QuickSpec.Kind.FLAG) {
                    if (value != null) {
                        return null;
                    }
                    VerbTable.set(command, o.slot(), true);
                    continue;
                }
                if (value == null) {
                    if (++i >= args.length) {
                        return null;
                    }
                    value = args[i];
                }
                if (!set(command, o, value)) {
                    return null;
                }
            } else if (next >= spec.positionals().length || !set(command, spec.positionals()[next], a)) {
                return null;
            } else if (spec.positionals()[next].kind() != QuickSpec.Kind.LIST) {
                next++; // a list takes every positional left
            } else {
                listed = true;
            }
        }
        for (int p = listed ? next + 1 : next; p < spec.positionals().length; p++) {
            QuickSpec.Param param = spec.positionals()[p];
            if (!param.optional() || param.defaultValue() != null && !set(command, param, param.defaultValue())) {
                return null;
            }
        }
        @SuppressWarnings("unchecked")
        Callable<Integer> callable = (Callable<Integer>) command;
        return callable;
    }

    private static QuickSpec.Param option(QuickSpec spec, String name) {
        for (QuickSpec.Param o : spec.options()) {
            for (String n : o.names()) {
                if (n.equals(name)) {
                    return o;
                }
            }
        }
        return null;
    }

    /** Converts and sets a value; false for a kind this parser leaves to picocli, or a malformed number. */
    private static boolean set(Object command, QuickSpec.Param p, String value) {
        Object converted;
        try {
            converted = switch (p.kind()) {
                case STRING, LIST -> value;
                case INT -> Integer.valueOf(value);
                case LONG -> Long.valueOf(value);
                case FLAG -> Boolean.parseBoolean(value);
                case OTHER -> null;
            };
        } catch (NumberFormatException e) {
            return false;
        }
        if (converted == null) {
            return false;
        }
        VerbTable.set(command, p.slot(), converted);
        return true;
    }
}
