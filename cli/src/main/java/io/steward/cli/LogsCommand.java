package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.client.StewardClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward logs ID}: a non-draining read of a stream's backlog. Reports bytes the ring
 * dropped before the read (on stderr, so the output stays the program's own).
 */
@Command(name = "logs", description = "Print a session's output backlog (never consumes it).")
final class LogsCommand implements Callable<Integer> {
    private static final int CHUNK = 1 << 20;
    /** How often --follow asks for more; output that arrives in between waits at most this long. */
    private static final long FOLLOW_POLL_MS = 50;

    @Parameters(paramLabel = "SESSION", description = "Id, unique id prefix (6+ characters) or name.")
    String ref;

    @Option(names = "--stream", paramLabel = "S", defaultValue = "stdout", description = "stdout (default) or stderr.")
    String stream;

    @Option(names = {"-n", "--tail"}, paramLabel = "N", description = "Only the last N lines.")
    Integer tail;

    @Option(names = "--since", paramLabel = "CURSOR", description = "From this absolute byte offset.")
    Long since;

    @Option(names = {"-f", "--follow"}, description = "Keep printing as output arrives, until the session's stream ends.")
    boolean follow;

    @Option(names = "--json", description = "One JSON document per read: cursor, next, dropped, eof, data (base64).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (tail != null && tail < 0) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--tail: a number of lines, 0 or more, not " + tail);
        }
        StewardClient client = Clients.existing();
        long cursor = since != null ? since : 0;
        if (tail != null) {
            cursor = printTail(client, cursor);
            if (!follow) {
                return 0;
            }
        }
        while (true) {
            StewardClient.Output o = client.output(ref, stream, cursor, CHUNK);
            print(o);
            cursor = o.next();
            if (o.eof() || !follow && o.data().length < CHUNK) {
                return 0;
            }
            if (o.data().length == 0) {
                Thread.sleep(FOLLOW_POLL_MS);
            }
        }
    }

    private void print(StewardClient.Output o) throws IOException {
        if (json) {
            Printer.json(Json.object("stream", o.stream(), "cursor", o.cursor(), "next", o.next(), "dropped", o.dropped(),
                    "eof", o.eof(), "data", Base64.getEncoder().encodeToString(o.data())));
            return;
        }
        if (o.dropped() > 0) {
            System.err.println("steward: " + o.dropped() + " bytes dropped before offset " + o.cursor()
                    + " (the ring overflowed)");
        }
        System.out.write(o.data());
        System.out.flush();
    }

    /**
     * Reads everything held from {@code cursor} (the ring bounds it, 64 MiB at most) and prints its
     * last {@code tail} lines; a final newline ends the last line rather than starting an empty one.
     *
     * @return where reading stopped
     */
    private long printTail(StewardClient client, long cursor) throws IOException {
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        long first = -1;
        long dropped = 0;
        StewardClient.Output o;
        do {
            o = client.output(ref, stream, cursor, CHUNK);
            first = first < 0 ? o.cursor() : first;
            dropped += o.dropped();
            held.write(o.data());
            cursor = o.next();
        } while (o.data().length == CHUNK);
        byte[] d = held.toByteArray();
        int start = 0;
        int seen = 0;
        for (int i = d.length - 2; i >= 0 && tail > 0; i--) {
            if (d[i] == '\n' && ++seen == tail) {
                start = i + 1;
                break;
            }
        }
        if (tail <= 0) {
            start = d.length;
        }
        print(new StewardClient.Output(o.stream(), first + start, cursor, start == 0 ? dropped : 0, o.eof(),
                java.util.Arrays.copyOfRange(d, start, d.length)));
        return cursor;
    }
}
