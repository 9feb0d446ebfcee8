package io.steward.cli;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Parses the plain verbs straight from their picocli annotations, without building picocli's
 * model: that model cost about 70 ms of a 170 ms {@code steward ls}. It handles only what those
 * verbs use (flags, single-valued options, positionals by index, defaults); anything else (help,
 * an unknown option, a missing or malformed value) returns null, and picocli parses the line
 * instead, with its usual messages. The annotations stay the one definition of every option.
 */
final class QuickLine {
    /** Verbs whose options are all flags or single values, and that never take a command line. */
    private static final Set<String> PLAIN = Set.of("ls", "status", "logs", "send", "signal", "stop", "kill", "wait",
            "resize", "rm", "purge", "kill-older", "events");
    private static final String NO_DEFAULT = "__no_default_value__";

    private QuickLine() {}

    /** The verb's command with its fields set, or null when picocli should parse this line. */
    static Callable<Integer> parse(Class<?> type, String verb, String[] args) {
        if (!PLAIN.contains(verb)) {
            return null;
        }
        try {
            Constructor<?> ctor = type.getDeclaredConstructor();
            ctor.setAccessible(true);
            Object command = ctor.newInstance();
            List<Field> options = new ArrayList<>();
            List<Field> positionals = new ArrayList<>();
            for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.isAnnotationPresent(Option.class)) {
                        options.add(f);
                    } else if (f.isAnnotationPresent(Parameters.class)) {
                        positionals.add(f);
                    }
                }
            }
            positionals.sort(java.util.Comparator.comparing(f -> f.getAnnotation(Parameters.class).index()));
            for (Field f : options) {
                String d = f.getAnnotation(Option.class).defaultValue();
                if (!d.equals(NO_DEFAULT) && !set(command, f, d)) {
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
                    Field f = option(options, name);
                    if (f == null) {
                        return null;
                    }
                    if (isFlag(f)) {
                        if (value != null) {
                            return null;
                        }
                        f.setAccessible(true);
                        f.setBoolean(command, true);
                        continue;
                    }
                    if (value == null) {
                        if (++i >= args.length) {
                            return null;
                        }
                        value = args[i];
                    }
                    if (!set(command, f, value)) {
                        return null;
                    }
                } else {
                    if (next >= positionals.size() || !set(command, positionals.get(next), a)) {
                        return null;
                    }
                    if (positionals.get(next).getType() != List.class) {
                        next++; // a list takes every positional left
                    } else {
                        listed = true;
                    }
                }
            }
            for (int p = listed ? next + 1 : next; p < positionals.size(); p++) {
                Parameters param = positionals.get(p).getAnnotation(Parameters.class);
                boolean optional = param.arity().startsWith("0") || !param.defaultValue().equals(NO_DEFAULT);
                if (!optional || !param.defaultValue().equals(NO_DEFAULT) && !set(command, positionals.get(p), param.defaultValue())) {
                    return null;
                }
            }
            @SuppressWarnings("unchecked")
            Callable<Integer> callable = (Callable<Integer>) command;
            return callable;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field option(List<Field> options, String name) {
        for (Field f : options) {
            for (String n : f.getAnnotation(Option.class).names()) {
                if (n.equals(name)) {
                    return f;
                }
            }
        }
        return null;
    }

    private static boolean isFlag(Field f) {
        return f.getType() == boolean.class;
    }

    /** Converts and sets a value; false for a type this parser leaves to picocli. */
    private static boolean set(Object command, Field f, String value) throws IllegalAccessException {
        f.setAccessible(true);
        Class<?> t = f.getType();
        try {
            if (t == String.class) {
                f.set(command, value);
            } else if (t == Integer.class || t == int.class) {
                f.set(command, Integer.valueOf(value));
            } else if (t == Long.class || t == long.class) {
                f.set(command, Long.valueOf(value));
            } else if (t == boolean.class) {
                f.setBoolean(command, Boolean.parseBoolean(value));
            } else if (t == List.class && f.get(command) instanceof List<?> list) {
                @SuppressWarnings("unchecked")
                List<String> values = (List<String>) list;
                values.add(value);
            } else {
                return false;
            }
        } catch (NumberFormatException e) {
            return false;
        }
        return true;
    }
}
