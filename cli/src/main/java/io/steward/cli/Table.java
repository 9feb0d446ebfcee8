package io.steward.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Left-aligned columns sized to their widest cell, two spaces apart. Colour is applied after
 * sizing, so escape codes never skew the alignment; it is used only on a terminal, and never when
 * {@code NO_COLOR} is set (https://no-color.org).
 */
final class Table {
    static final String GREEN = "32";
    static final String RED = "31";
    static final String YELLOW = "33";
    static final String DIM = "2";

    private final List<String> header;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String[]> colours = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    /** Adds a row; {@code colour} holds an SGR code per cell, or null. */
    void row(String[] cells, String[] colour) {
        rows.add(cells);
        colours.add(colour);
    }

    /** Colour when our standard output is a terminal and NO_COLOR is not set (no-color.org). */
    static boolean colourWanted() {
        String noColor = System.getenv("NO_COLOR");
        return (noColor == null || noColor.isEmpty()) && stdoutIsTerminal();
    }

    /**
     * Whether fd 1 is a terminal, read from /proc: System.console() asks about stdin too, and its
     * first call looks up the JDK's console providers, a few ms of a short command.
     */
    static boolean stdoutIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/1")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    String render(boolean colour) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, header.toArray(String[]::new), null, width, colour);
        for (int i = 0; i < rows.size(); i++) {
            line(b, rows.get(i), colours.get(i), width, colour);
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String[] cells, String[] sgr, int[] width, boolean colour) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String cell = cells[i];
            boolean last = i == cells.length - 1;
            String padded = last ? cell : cell + " ".repeat(width[i] - cell.length() + 2);
            if (colour && sgr != null && sgr[i] != null) {
                l.append("\033[").append(sgr[i]).append('m').append(cell).append("\033[0m")
                        .append(padded.substring(cell.length()));
            } else {
                l.append(padded);
            }
        }
        b.append(l.toString().stripTrailing()).append('\n');
    }
}
