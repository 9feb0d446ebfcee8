package io.steward.cli;

import io.steward.api.LogsPage.Piece;
import io.steward.api.SessionInfo;
import io.steward.client.Sessions;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code steward top}'s log pane: the recent tail of one session's output, both streams in arrival
 * order as {@code logs} reads them, re-read on every refresh. It follows the end until scrolled up,
 * and again once scrolled back down to it.
 */
final class TopLogs {
    /** How far back the pane reads, per stream. */
    static final long WINDOW = 256 * 1024;
    private static final int CHUNK = 1 << 20;
    /** Colours and cursor moves: the pane shows the text without them. */
    private static final Pattern ESCAPES = Pattern.compile("\u001b(\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001b]*(\u0007|\u001b\\\\)?|[@-_])");

    final SessionInfo session;
    private List<String> lines = List.of();
    private int first;
    private boolean following = true;

    TopLogs(SessionInfo session) {
        this.session = session;
    }

    /** Reads the tail again. */
    void refresh(Sessions sessions, int room) {
        LogReader reader = LogReader.of(sessions, session.id(), null);
        long[] end = reader.read(new long[2], 0).end();
        long[] from = {Math.max(0, end[0] - WINDOW), Math.max(0, end[1] - WINDOW)};
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (Piece p : reader.readTo(from, end, CHUNK).pieces()) {
            text.writeBytes(p.data());
        }
        lines = lines(text.toString(StandardCharsets.UTF_8), from[0] > 0 || from[1] > 0);
        if (following) {
            first = bottom(room);
        }
        first = Math.min(first, bottom(room));
    }

    /** The text as the pane's lines: escapes removed, a line rewritten with carriage returns shown as it ended. */
    static List<String> lines(String text, boolean cutAtStart) {
        String[] raw = ESCAPES.matcher(text).replaceAll("").split("\n", -1);
        List<String> out = new ArrayList<>(raw.length);
        for (int i = cutAtStart ? 1 : 0; i < raw.length; i++) {
            String l = raw[i];
            if (i == raw.length - 1 && l.isEmpty()) {
                break; // the newline ending the last line
            }
            String shown = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
            out.add(shown.substring(shown.lastIndexOf('\r') + 1).replace("\t", "    "));
        }
        return out;
    }

    /** Scrolls by {@code delta} lines; at the end, the pane follows new output again. */
    void scroll(int delta, int room) {
        first = Math.clamp((long) first + delta, 0, bottom(room));
        following = first == bottom(room);
    }

    void top() {
        first = 0;
        following = false;
    }

    void end(int room) {
        first = bottom(room);
        following = true;
    }

    List<String> lines() {
        return lines;
    }

    int first() {
        return first;
    }

    String title() {
        return "logs of " + (session.name() != null ? session.name() + " (" + SessionView.shortId(session) + ")"
                : SessionView.shortId(session));
    }

    private int bottom(int room) {
        return Math.max(0, lines.size() - room);
    }
}
