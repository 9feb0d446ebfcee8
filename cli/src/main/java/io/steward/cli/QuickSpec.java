package io.steward.cli;

/**
 * What the plain parser knows of one command: its options and positionals, as the generated
 * {@link VerbTable} lists them from the picocli annotations.
 */
record QuickSpec(Param[] options, Param[] positionals) {
    /** The field types the plain parser converts to; a parameter of any other is left to picocli. */
    enum Kind {
        FLAG, STRING, INT, LONG,
        /** A list of strings each value is added to; a positional of this kind takes every one left. */
        LIST,
        OTHER
    }

    /**
     * @param names an option's names; empty for a positional
     * @param defaultValue null when it has none
     * @param optional a positional that may be left out
     * @param slot what {@link VerbTable#set} calls its field
     */
    record Param(String[] names, Kind kind, String defaultValue, boolean optional, int slot) {}
}
