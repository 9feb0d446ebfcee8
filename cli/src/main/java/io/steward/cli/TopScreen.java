package io.steward.cli;

import io.steward.api.HealthInfo;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.client.Sessions;
import io.steward.client.StewardClient;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The loop of {@code steward top}: refresh from the daemon every interval, redraw on a refresh, a
 * key or a resize, and act on keys. Actions run on this thread, one at a time; their outcome, or
 * their one-line error, goes to the status line.
 */
final class TopScreen {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final StewardClient client;
    private final Sessions sessions;
    private final Duration every;
    private final TopModel model = new TopModel();
    private final AtomicBoolean quit = new AtomicBoolean();
    private HealthInfo health;
    private TopLogs logs;
    private SessionInfo confirmingKill;
    private String status = "";
    private boolean refreshNow = true;

    TopScreen(StewardClient client, Duration every) {
        this.client = client;
        this.sessions = client.sessions();
        this.every = every;
    }

    int run() throws IOException {
        Interrupts.install(() -> quit.set(true)); // TERM and HUP; Ctrl-C is a key while raw
        try (TopTerminal terminal = TopTerminal.open()) {
            long nextRefresh = System.nanoTime();
            while (!quit.get()) {
                boolean redraw = terminal.resized();
                if (refreshNow || System.nanoTime() - nextRefresh >= 0) {
                    refresh(terminal);
                    nextRefresh = System.nanoTime() + every.toNanos();
                    refreshNow = false;
                    redraw = true;
                }
                for (TopKeys.Key k : terminal.keys()) {
                    handle(k, terminal);
                    redraw = true;
                }
                if (redraw && !quit.get()) {
                    terminal.draw(screen(terminal.size()));
                }
            }
        }
        return 0;
    }

    private void refresh(TopTerminal terminal) {
        try {
            List<SessionInfo> list = sessions.list(true, null);
            health = client.daemon().health();
            model.update(list);
            if (logs != null) {
                logs.refresh(sessions, logRoom(terminal.size()));
            }
        } catch (StewardException e) {
            status = "refresh failed: " + e.getMessage();
        }
    }

    private List<String> screen(int[] size) {
        if (logs != null) {
            return TopView.logs(logs.title(), logs.lines(), logs.first(), status, size[1], size[0]);
        }
        return TopView.table(header(), model, status, size[1], size[0]);
    }

    private String header() {
        long running = model.rows().stream().filter(r -> r.session().running()).count();
        String daemon = health == null ? "daemon ?" : "daemon pid " + health.pid() + " up " + SessionView.time(health.uptime());
        return "steward top  " + LocalTime.now().format(CLOCK) + "  " + daemon + "  "
                + Printer.count(model.rows().size(), "session") + ", " + running + " running  sort: "
                + model.sort().label + "  every " + io.steward.api.Durations.format(every);
    }

    private static int logRoom(int[] size) {
        return Math.max(1, size[0] - 2);
    }

    private void handle(TopKeys.Key k, TopTerminal terminal) {
        if (k.is('\u0003')) {
            quit.set(true);
        } else if (confirmingKill != null) {
            SessionInfo s = confirmingKill;
            confirmingKill = null;
            status = k.is('y') || k.is('Y') ? act("kill", () -> sessions.kill(s.id())) : "kill of " + Printer.label(s) + " cancelled";
        } else if (logs != null) {
            logKey(k, terminal);
        } else {
            tableKey(k, terminal);
        }
    }

    private void logKey(TopKeys.Key k, TopTerminal terminal) {
        int room = logRoom(terminal.size());
        switch (k.named()) {
            case ESCAPE -> logs = null;
            case UP -> logs.scroll(-1, room);
            case DOWN -> logs.scroll(1, room);
            case PAGE_UP -> logs.scroll(-room, room);
            case PAGE_DOWN -> logs.scroll(room, room);
            case HOME -> logs.top();
            case END -> logs.end(room);
            case CHAR -> {
                switch (k.ch()) {
                    case 'q' -> logs = null;
                    case 'k' -> logs.scroll(-1, room);
                    case 'j' -> logs.scroll(1, room);
                    case ' ' -> logs.scroll(room, room);
                    case 'b' -> logs.scroll(-room, room);
                    case 'g' -> logs.top();
                    case 'G' -> logs.end(room);
                    default -> { }
                }
            }
        }
    }

    private void tableKey(TopKeys.Key k, TopTerminal terminal) {
        int page = Math.max(1, terminal.size()[0] - 4);
        switch (k.named()) {
            case UP -> model.move(-1);
            case DOWN -> model.move(1);
            case PAGE_UP -> model.move(-page);
            case PAGE_DOWN -> model.move(page);
            case HOME -> model.move(Integer.MIN_VALUE / 2);
            case END -> model.move(Integer.MAX_VALUE / 2);
            case ESCAPE -> status = "";
            case CHAR -> charKey(k.ch(), terminal);
        }
    }

    private void charKey(char c, TopTerminal terminal) {
        for (TopSort s : TopSort.values()) {
            if (c == s.key) {
                model.sortBy(s);
                status = "sorted by " + s.label;
                return;
            }
        }
        SessionInfo selected = model.selected();
        switch (c) {
            case 'q' -> quit.set(true);
            case 'k' -> model.move(-1);
            case 'j' -> model.move(1);
            case '<', '>' -> {
                model.sortBy(model.sort().cycle(c == '>' ? 1 : -1));
                status = "sorted by " + model.sort().label;
            }
            case 's', 'r', 'K', 'a', 'l' -> {
                if (selected == null) {
                    status = "no session selected";
                } else {
                    onSession(c, selected, terminal);
                }
            }
            default -> { }
        }
    }

    private void onSession(char c, SessionInfo s, TopTerminal terminal) {
        switch (c) {
            case 's' -> status = act("stop", () -> sessions.stop(s.id(), false));
            case 'r' -> status = act("restart", () -> sessions.restart(s.id()));
            case 'K' -> {
                confirmingKill = s;
                status = "kill " + Printer.label(s) + " (SIGKILL its whole tree)? y/n";
            }
            case 'a' -> attach(s, terminal);
            case 'l' -> {
                logs = new TopLogs(s);
                status = "";
                refreshNow = true;
            }
            default -> { }
        }
    }

    /** Runs an action on a session: its answer as a line, or its error. */
    private String act(String verb, java.util.function.Supplier<SessionInfo> action) {
        refreshNow = true;
        try {
            return verb + ": " + Printer.line(action.get());
        } catch (StewardException e) {
            return verb + " failed: " + e.getMessage();
        }
    }

    /** {@code attach} as the verb runs it, on the normal screen; back here after the detach. */
    private void attach(SessionInfo s, TopTerminal terminal) {
        terminal.suspend();
        try {
            int code = AttachCommand.attach(client, s.id(), false, false);
            status = "attach to " + Printer.label(s) + " ended" + (code == 0 ? "" : " (exit code " + code + ")");
        } catch (StewardException e) {
            status = "attach failed: " + e.getMessage();
        } finally {
            Interrupts.install(() -> quit.set(true)); // attach routed them to its own detach
            terminal.resume();
            refreshNow = true;
        }
    }
}
