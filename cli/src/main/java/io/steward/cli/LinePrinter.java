package io.steward.cli;

import io.steward.api.Json;
import io.steward.api.StdStream;
import io.steward.cli.LineSplitter.Line;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * How {@code logs} shows a line read line by line: behind its session's name padded to a common
 * width, in the session's colour, and its arrival time when asked; or as a JSON document.
 */
final class LinePrinter {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Distinct on a dark and a light background; red is left to stderr. */
    private static final String[] PALETTE = {"\033[36m", "\033[33m", "\033[32m", "\033[35m", "\033[34m",
            "\033[96m", "\033[93m", "\033[92m"};
    static final String RED = "\033[31m";
    static final String RESET = "\033[0m";

    private final List<LogSource> sources;
    private final boolean prefix;
    private final boolean timestamps;
    private final boolean json;
    private final boolean colour;
    private final int width;

    LinePrinter(List<LogSource> sources, boolean prefix, boolean timestamps, boolean json, boolean colour) {
        this.sources = sources;
        this.prefix = prefix;
        this.timestamps = timestamps;
        this.json = json;
        this.colour = colour;
        this.width = sources.stream().mapToInt(s -> s.label.length()).max().orElse(0);
    }

    /** A session's colour: the same for the same id, run after run. */
    static String colourOf(String id) {
        return PALETTE[Math.floorMod(id.hashCode(), PALETTE.length)];
    }

    void print(Line l, boolean eof) {
        LogSource s = sources.get(l.source());
        if (l.dropped() > 0) {
            reportDropped(prefix ? s.label + ": " : "", l.dropped(), l.stream(), l.offset());
        }
        if (json) {
            printJson(s, l, eof);
            return;
        }
        StringBuilder head = new StringBuilder();
        if (prefix) {
            if (colour) {
                head.append(colourOf(s.id));
            }
            head.append(s.label).append(" ".repeat(width - s.label.length())).append(" |");
            if (colour) {
                head.append(RESET);
            }
            head.append(' ');
        }
        if (timestamps && l.time() >= 0) {
            head.append(TIME.format(Instant.ofEpochMilli(l.time()))).append(' ');
        }
        boolean red = colour && l.stream() == StdStream.STDERR;
        if (red) {
            head.append(RED);
        }
        PrintStream out = System.out;
        out.print(head);
        out.write(l.data(), 0, l.complete() ? l.data().length - 1 : l.data().length);
        out.print(red ? RESET + "\n" : "\n");
    }

    private void printJson(LogSource s, Line l, boolean eof) {
        var doc = Json.object();
        if (prefix) {
            doc.put("session", s.id);
        }
        doc.put("stream", l.stream().wire());
        doc.put("cursor", l.offset());
        doc.put("next", l.next());
        doc.put("dropped", l.dropped());
        doc.put("eof", eof);
        doc.put("data", Base64.getEncoder().encodeToString(l.data()));
        if (timestamps) {
            doc.put("time", l.time() >= 0 ? TIME.format(Instant.ofEpochMilli(l.time())) : null);
        }
        Printer.json(doc);
    }

    /** Says on stderr, so stdout stays the program's bytes, that bytes were lost before {@code offset}. */
    static void reportDropped(String who, long dropped, StdStream stream, long offset) {
        System.err.println("steward: " + who + Printer.count(dropped, "byte") + " of " + stream.wire()
                + " dropped before offset " + offset + " (the ring overflowed, or the log files lack them)");
    }

    /** Decodes a line for matching, without its newline. */
    static String text(Line l) {
        return new String(l.data(), 0, l.complete() ? l.data().length - 1 : l.data().length, StandardCharsets.UTF_8);
    }
}
