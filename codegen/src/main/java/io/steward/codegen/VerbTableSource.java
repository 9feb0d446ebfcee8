package io.steward.codegen;

import java.util.ArrayList;
import java.util.List;

/** The Java source of {@code VerbTable}: plain {@code if} chains and switches, no reflection, lambdas or annotations. */
final class VerbTableSource {
    private final String pkg;
    private final List<Verb> verbs;
    private final StringBuilder out = new StringBuilder();

    VerbTableSource(String pkg, List<Verb> verbs) {
        this.pkg = pkg;
        this.verbs = verbs;
    }

    String text() {
        line("package " + pkg + ";");
        line("");
        line("/**");
        line(" * Each command's name and, for those whose options are plain fields, what the plain parser");
        line(" * (QuickLine) needs: written by javac from the picocli annotations (steward-codegen), never by hand.");
        line(" */");
        line("final class VerbTable {");
        line("    private VerbTable() {}");
        line("");
        line("    /** The {@code @Command} name of {@code c}; null for a class that is not a command. */");
        line("    static String nameOf(Class<?> c) {");
        for (Verb v : verbs) {
            line("        if (c == " + v.javaName() + ".class) {");
            line("            return " + literal(v.name()) + ";");
            line("        }");
        }
        line("        return null;");
        line("    }");
        line("");
        line("    /** The options and positionals of {@code c}; null when only picocli can parse it. */");
        line("    static QuickSpec spec(Class<?> c) {");
        for (Verb v : quick()) {
            line("        if (c == " + v.javaName() + ".class) {");
            line("            return new QuickSpec(new QuickSpec.Param[] {");
            int slot = 0;
            for (Param p : v.options()) {
                line("                " + param(p, slot++) + ",");
            }
            line("            }, new QuickSpec.Param[] {");
            for (Param p : v.positionals()) {
                line("                " + param(p, slot++) + ",");
            }
            line("            });");
            line("        }");
        }
        line("        return null;");
        line("    }");
        line("");
        line("    /** A new command of class {@code c}, its fields at their initial values; null when only picocli can make it. */");
        line("    static Object create(Class<?> c) {");
        for (Verb v : quick()) {
            line("        if (c == " + v.javaName() + ".class) {");
            line("            return new " + v.javaName() + "();");
            line("        }");
        }
        line("        return null;");
        line("    }");
        line("");
        line("    /** Sets the field of {@code slot} (see {@link QuickSpec.Param#slot}) to {@code value}, of its kind. */");
        line("    static void set(Object command, int slot, Object value) {");
        line("        Class<?> c = command.getClass();");
        for (Verb v : quick()) {
            List<String> setters = new ArrayList<>();
            int slot = 0;
            for (Param p : v.options()) {
                setter(p, slot++, setters);
            }
            for (Param p : v.positionals()) {
                setter(p, slot++, setters);
            }
            if (setters.isEmpty()) {
                continue;
            }
            line("        if (c == " + v.javaName() + ".class) {");
            line("            " + v.javaName() + " x = (" + v.javaName() + ") command;");
            line("            switch (slot) {");
            setters.forEach(this::line);
            line("                default -> throw new IllegalArgumentException(\"no slot \" + slot + \" in \" + c.getName());");
            line("            }");
            line("            return;");
            line("        }");
        }
        line("        throw new IllegalArgumentException(\"not a plain command: \" + c.getName());");
        line("    }");
        line("}");
        return out.toString();
    }

    private List<Verb> quick() {
        return verbs.stream().filter(v -> v.notQuick() == null).toList();
    }

    private static void setter(Param p, int slot, List<String> setters) {
        if (p.kind() == Param.Kind.LIST) {
            // picocli replaces the field's list with its own; here each value is added, to a new list if none
            setters.add("                case " + slot + " -> {");
            setters.add("                    if (x." + p.field() + " == null) {");
            setters.add("                        x." + p.field() + " = new java.util.ArrayList<>();");
            setters.add("                    }");
            setters.add("                    x." + p.field() + ".add((String) value);");
            setters.add("                }");
            return;
        }
        String cast = switch (p.kind()) {
            case FLAG -> "(boolean) ";
            case STRING -> "(String) ";
            case INT -> "(Integer) ";
            case LONG -> "(Long) ";
            case LIST, OTHER -> null;
        };
        if (cast != null) {
            setters.add("                case " + slot + " -> x." + p.field() + " = " + cast + "value;");
        }
    }

    private static String param(Param p, int slot) {
        StringBuilder names = new StringBuilder("new String[] {");
        for (int i = 0; i < p.names().size(); i++) {
            names.append(i == 0 ? "" : ", ").append(literal(p.names().get(i)));
        }
        names.append("}");
        String defaultValue = p.defaultValue().equals(VerbTableProcessor.NO_DEFAULT) ? "null" : literal(p.defaultValue());
        return "new QuickSpec.Param(" + names + ", QuickSpec.Kind." + p.kind() + ", " + defaultValue + ", " + p.optional()
                + ", " + slot + ")";
    }

    private static String literal(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private void line(String s) {
        out.append(s).append('\n');
    }
}
