package io.steward.codegen;

import java.util.List;

/**
 * One option or positional parameter of a command.
 *
 * @param names the option's names; empty for a positional
 * @param index a positional's {@code index}, as written; empty for an option
 * @param field the field it sets
 * @param defaultValue picocli's marker when it has none
 * @param optional a positional that may be left out (arity 0.., or a default)
 */
record Param(List<String> names, String index, String field, Kind kind, String defaultValue, boolean optional) {
    /** The field types the plain parser converts to; any other is left to picocli. */
    enum Kind {
        FLAG, STRING, INT, LONG,
        /** A {@code List<String>} that each value is added to (a positional: it takes the rest). */
        LIST,
        OTHER;

        static Kind of(String type) {
            return switch (type) {
                case "boolean" -> FLAG;
                case "java.lang.String" -> STRING;
                case "int", "java.lang.Integer" -> INT;
                case "long", "java.lang.Long" -> LONG;
                case "java.util.List<java.lang.String>" -> LIST;
                default -> OTHER;
            };
        }
    }
}
