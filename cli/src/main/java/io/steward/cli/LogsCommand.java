package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.LogsPage.Piece;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import io.steward.api.StewardException;
import java.io.IOException;
import io.steward.client.Sessions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward logs ID}: a non-draining read of a session's output, both streams in the order
 * they arrived unless {@code --stream} picks one. Reads on until it has what the session held when
 * the command started (a read can stop short at a gap in the log files). Bytes lost before a read
 * are reported on stderr, so the output stays the program's own. Several sessions, a label, or any
 * of {@code --prefix}, {@code --timestamps}, {@code --grep} read line by line ({@link MergedLogs}).
 */
@Command(name = "logs", description = "Print sessions' output backlog, stdout and stderr in arrival order (never consumes it).")
final class LogsCommand implements Callable<Integer> {
    private static final int CHUNK = LogSource.CHUNK;
    private static final long TAIL_WINDOW = LogSource.TAIL_WINDOW;
    private static final long FOLLOW_POLL_MS = MergedLogs.FOLLOW_POLL_MS;
    private static final String RED = LinePrinter.RED;
    private static final String RESET = LinePrinter.RESET;

    @Parameters(paramLabel = "SESSION", arity = "0..*",
            description = "Id, unique id prefix (6+ characters) or name; several, or none for all sessions, merge their lines.")
    List<String> refs = new ArrayList<>();

    @Option(names = "--label", paramLabel = "L", description = "The sessions with this label, merged.")
    String label;

    @Option(names = "--prefix", description = "Prefix each line with its session's name, one session too.")
    boolean prefix;

    @Option(names = {"-t", "--timestamps"}, description = "Prefix each line with when its first byte arrived (ISO-8601 UTC).")
    boolean timestamps;

    @Option(names = "--grep", paramLabel = "RE", description = "Only lines matching this Java regular expression.")
    String grep;

    @Option(names = "--stream", paramLabel = "S", description = "Only stdout or stderr (default: both, in arrival order).")
    String stream;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N lines.")
    Integer tail;

    @Option(names = "--since", paramLabel = "CURSOR",
            description = "From this absolute byte offset: N with --stream, OUT:ERR (stdout and stderr offsets) without.")
    String since;

    @Option(names = {"-f", "--follow"}, description = "Keep printing as output arrives, until the session's streams end.")
    boolean follow;

    @Option(names = "--json", description = "One JSON document per piece: stream, cursor, next, dropped, eof, data (base64);"
            + " line by line, one per line, with session (merged) and time (--timestamps).")
    boolean json;

    private boolean colour;

    @Override
    public Integer call() throws Exception {
        if (tail != null && tail < 0) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--tail: a number of lines, 0 or more, not " + tail);
        }
        if (stream != null && !stream.equals("stdout") && !stream.equals("stderr")) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--stream: must be stdout or stderr, not " + stream);
        }
        long[] cursors = sinceCursors();
        colour = !json && Table.colourWanted();
        Predicate<LineSplitter.Line> wanted = wanted();
        boolean merged = refs.size() != 1 || label != null;
        if (merged && since != null) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--since: a cursor of one session; name one session");
        }
        if (merged || prefix || timestamps || grep != null) {
            List<LogSource> sources = sources(cursors);
            new MergedLogs(sources, new LinePrinter(sources, merged || prefix, timestamps, json, colour), wanted)
                    .run(tail, follow);
            return 0;
        }
        String ref = refs.getFirst();
        LogReader reader = LogReader.of(Clients.existing().sessions(), ref, stream);
        LogReader.Batch first = reader.read(cursors, tail != null ? 0 : CHUNK);
        long[] target = first.end();
        if (tail != null) {
            cursors = printTail(reader, cursors, target);
        } else {
            print(first);
            cursors = first.next();
            if (first.eof() || !follow && first.reached(target)) {
                return 0;
            }
        }
        while (tail == null || follow) {
            LogReader.Batch b = reader.read(cursors, CHUNK);
            print(b);
            boolean moved = b.next()[0] != cursors[0] || b.next()[1] != cursors[1];
            cursors = b.next();
            if (b.eof() || !follow && (b.reached(target) || !moved)) {
                return 0;
            }
            if (!moved) {
                Thread.sleep(FOLLOW_POLL_MS);
            }
        }
        return 0;
    }

    /** The lines --grep lets through: all without it; a bad expression is refused before anything is read. */
    private Predicate<LineSplitter.Line> wanted() {
        if (grep == null) {
            return l -> true;
        }
        try {
            Pattern p = Pattern.compile(grep);
            return l -> p.matcher(LinePrinter.text(l)).find();
        } catch (PatternSyntaxException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--grep: not a regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " of " + grep);
        }
    }

    /** The sessions named, or those of the label, or all of them; in that order, each once. */
    private List<LogSource> sources(long[] cursors) {
        Sessions sessions = Clients.existing().sessions();
        List<SessionInfo> found = new ArrayList<>();
        if (refs.isEmpty()) {
            found.addAll(sessions.list(true, label));
        } else {
            for (String r : refs) {
                SessionInfo s = sessions.get(r);
                if (label != null && !label.equals(s.label())) {
                    throw new StewardException(ErrorCode.INVALID_INPUT, "session " + r + " is not labelled " + label);
                }
                if (found.stream().noneMatch(f -> f.id().equals(s.id()))) {
                    found.add(s);
                }
            }
        }
        List<LogSource> sources = new ArrayList<>();
        for (SessionInfo s : found) {
            sources.add(new LogSource(sources.size(), s.id(), s.name() != null ? SessionView.text(s.name()) : SessionView.shortId(s),
                    LogReader.of(sessions, s.id(), stream), cursors.clone()));
        }
        return sources;
    }

    private long[] sinceCursors() {
        if (since == null) {
            return new long[2];
        }
        String[] parts = since.split(":", -1);
        if (stream != null ? parts.length != 1 : parts.length != 2) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--since: " + (stream != null
                    ? "a byte offset N with --stream" : "OUT:ERR (the stdout and stderr offsets), or N with --stream")
                    + ", not " + since);
        }
        long[] c = new long[2];
        for (int i = 0; i < parts.length; i++) {
            try {
                c[i] = Long.parseLong(parts[i]);
            } catch (NumberFormatException e) {
                c[i] = -1;
            }
            if (c[i] < 0) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "--since: offsets are whole numbers, 0 or more, not " + since);
            }
        }
        return c;
    }

    /**
     * Prints the last {@code tail} lines of what the streams held at {@code target}: it looks back a
     * window from the end, and further while that holds too few lines and more is kept. A final
     * newline ends the last line rather than starting an empty one.
     *
     * @return where reading stopped
     */
    private long[] printTail(LogReader reader, long[] floor, long[] target) throws IOException {
        long window = TAIL_WINDOW;
        while (true) {
            long[] from = {Math.max(floor[0], target[0] - window), Math.max(floor[1], target[1] - window)};
            LogReader.Batch b = reader.readTo(from, target, CHUNK);
            boolean everything = from[0] == floor[0] && from[1] == floor[1] || window >= Long.MAX_VALUE / 8;
            List<Piece> last = lastLines(b.pieces(), tail);
            if (last != null || everything) {
                List<Piece> shown = last != null ? last : b.pieces();
                for (int i = 0; i < shown.size(); i++) {
                    print(shown.get(i), b.eof() && i == shown.size() - 1);
                }
                return b.next();
            }
            window *= 8;
        }
    }

    /** The pieces that hold the last {@code n} lines, the first cut at its line's start; null when they hold fewer. */
    private static List<Piece> lastLines(List<Piece> pieces, int n) {
        if (n == 0) {
            return List.of();
        }
        int seen = 0;
        boolean last = true;
        for (int i = pieces.size() - 1; i >= 0; i--) {
            byte[] d = pieces.get(i).data();
            for (int j = d.length - 1; j >= 0; j--) {
                if (d[j] != '\n') {
                    last = false;
                    continue;
                }
                if (last) {
                    last = false; // the newline that ends the last line
                    continue;
                }
                if (++seen == n) {
                    Piece p = pieces.get(i);
                    List<Piece> out = new ArrayList<>();
                    // Cut at a line's start: what was lost before this piece is not before what is shown.
                    out.add(new Piece(p.stream(), p.cursor() + j + 1, p.next(), 0, Arrays.copyOfRange(d, j + 1, d.length),
                            p.times()));
                    out.addAll(pieces.subList(i + 1, pieces.size()));
                    return out;
                }
            }
        }
        return null;
    }

    private void print(LogReader.Batch b) throws IOException {
        for (int i = 0; i < b.pieces().size(); i++) {
            print(b.pieces().get(i), b.eof() && i == b.pieces().size() - 1);
        }
    }

    private void print(Piece p, boolean eof) throws IOException {
        if (json) {
            Printer.json(Json.object("stream", p.stream().wire(), "cursor", p.cursor(), "next", p.next(), "dropped", p.dropped(),
                    "eof", eof, "data", Base64.getEncoder().encodeToString(p.data())));
            return;
        }
        if (p.dropped() > 0) {
            LinePrinter.reportDropped("", p.dropped(), p.stream(), p.cursor());
        }
        PrintStream out = System.out;
        boolean red = colour && p.stream() == StdStream.STDERR;
        if (red) {
            out.print(RED);
        }
        out.write(p.data());
        if (red) {
            out.print(RESET);
        }
        out.flush();
    }
}
