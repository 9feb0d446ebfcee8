package io.steward.cli;

import io.steward.api.SessionInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code steward top}'s screens as lines of text, one per terminal row and none wider than it: the
 * session table, and the log pane. Drawing them is the terminal's business ({@link TopTerminal}).
 */
final class TopView {
    /** Reverse video: the selected line, and the status line. */
    static final String REVERSE = "\033[7m";
    static final String RESET = "\033[0m";
    static final String KEYS = "arrows/jk select  s stop  r restart  K kill  a attach  l logs  sort: c m R n < >  q quit";
    static final String LOG_KEYS = "arrows/jk PgUp PgDn g G scroll   q/Esc back";

    private TopView() {}

    /** The table screen: a header, the keys, the table (scrolled so the selection shows), and the status line. */
    static List<String> table(String header, TopModel model, String status, int width, int height) {
        List<String> out = new ArrayList<>();
        out.add(fit(header, width));
        out.add(fit(KEYS, width));
        List<String> table = tableLines(model);
        out.add(fit(table.getFirst(), width));
        int room = Math.max(0, height - out.size() - 1);
        int first = firstShown(model.selectedIndex(), room);
        for (int i = first; i < Math.min(model.rows().size(), first + room); i++) {
            String line = fit(table.get(i + 1), width);
            out.add(i == model.selectedIndex() ? REVERSE + pad(line, width) + RESET : line);
        }
        if (model.rows().isEmpty() && room > 0) {
            out.add(fit("(no sessions: start one with 'steward run')", width));
        }
        return finish(out, status, width, height);
    }

    /** The log pane: its title, the lines from {@code first}, and the status line. */
    static List<String> logs(String title, List<String> lines, int first, String status, int width, int height) {
        List<String> out = new ArrayList<>();
        out.add(fit(title + "   " + LOG_KEYS, width));
        int room = Math.max(0, height - 2);
        for (int i = first; i < Math.min(lines.size(), first + room); i++) {
            out.add(fit(lines.get(i), width));
        }
        return finish(out, status, width, height);
    }

    /** The first row shown so that the selected one is on screen, with as many rows above it as fit. */
    static int firstShown(int selected, int room) {
        return room <= 0 ? selected : Math.max(0, selected - room + 1);
    }

    /** The session table, its header first; the numbers as {@code ls} writes them. */
    static List<String> tableLines(TopModel model) {
        Table t = new Table("ID", "NAME", "STATE", "PID", "CPU%", "MEM", "RESTARTS", "UPTIME", "HEARTBEAT");
        for (TopRow r : model.rows()) {
            SessionInfo s = r.session();
            t.row(new String[] {SessionView.shortId(s), SessionView.text(s.name()), SessionView.state(s),
                Long.toString(s.pid()), percent(r.cpuPercent()), r.memoryBytes() > 0 ? SessionView.bytes(r.memoryBytes()) : "-",
                Integer.toString(s.restarts()), s.running() ? SessionView.age(s) : "-", heartbeat(s)}, null);
        }
        return List.of(t.render(false).split("\n", -1)).subList(0, model.rows().size() + 1);
    }

    static String percent(Double p) {
        return p == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f", p);
    }

    /** {@code -} when nothing watches its heartbeats; {@code STALLED}, {@code waiting} (no beat yet) or {@code ok}. */
    static String heartbeat(SessionInfo s) {
        SessionInfo.Heartbeat h = s.heartbeat();
        if (h.stalled()) {
            return "STALLED";
        }
        if (h.stallAfter() == null) {
            return "-";
        }
        return h.lastBeatAge() == null ? "waiting" : "ok";
    }

    /** Cut to {@code width} columns; control characters (a log's escapes, tabs) become spaces, so none moves the cursor. */
    static String fit(String s, int width) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), width));
        for (int i = 0; i < s.length() && b.length() < width; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** Blank lines down to the last row, which holds the status in reverse video. */
    private static List<String> finish(List<String> out, String status, int width, int height) {
        List<String> screen = new ArrayList<>(out.subList(0, Math.min(out.size(), Math.max(0, height - 1))));
        while (screen.size() < height - 1) {
            screen.add("");
        }
        if (height > 0) {
            screen.add(REVERSE + pad(fit(status, width), width) + RESET);
        }
        return screen;
    }
}
