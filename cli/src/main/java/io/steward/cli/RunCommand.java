package io.steward.cli;

import io.steward.api.Durations;
import io.steward.api.StewardException;
import io.steward.api.ErrorCode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward run -- CMD…}: starts a session in the daemon (starting the daemon if needed) and prints its id. */
@Command(name = "run", description = "Start a session in the daemon and print its id.")
final class RunCommand implements Callable<Integer> {
    @Option(names = "--name", paramLabel = "N", description = "A unique name among running sessions.")
    String name;

    @Option(names = "--label", paramLabel = "L", description = "A free-form label, for ls --label.")
    String label;

    @Option(names = "--pty", description = "Run in a pseudo-terminal instead of pipes.")
    boolean pty;

    @Option(names = "--rows", paramLabel = "R", description = "Terminal rows (default 24).")
    Integer rows;

    @Option(names = "--cols", paramLabel = "C", description = "Terminal columns (default 80).")
    Integer cols;

    @Option(names = "--cwd", paramLabel = "DIR", description = "Working directory (absolute; default the daemon's).")
    String cwd;

    @Option(names = "--env", paramLabel = "K=V", description = "A variable on top of the daemon's environment; repeatable.")
    List<String> env = List.of();

    @Option(names = "--clear-env", description = "Start from an empty environment.")
    boolean clearEnv;

    @Option(names = "--merge-stderr", description = "stderr into the stdout ring.")
    boolean mergeStderr;

    @Option(names = "--ring-bytes", paramLabel = "N", description = "Backlog per stream, 4096..67108864 (default 1 MiB).")
    Integer ringBytes;

    @Option(names = "--overflow", paramLabel = "MODE", description = "drop-oldest (default) or backpressure.")
    String overflow;

    @Option(names = "--max-lifetime", paramLabel = "D", description = "Stop it after this long (e.g. 90s, 2h).")
    String maxLifetime;

    @Option(names = "--idle-timeout", paramLabel = "D", description = "Stop it after this long without output or clients.")
    String idleTimeout;

    @Option(names = "--retain", paramLabel = "D", description = "Keep it this long after it exits (default 5m).")
    String retain;

    @Option(names = "--grace", paramLabel = "D", description = "Grace of stops by limits (default 5s).")
    String grace;

    @Option(names = "--restart", paramLabel = "POLICY", description = "never (default), on-failure or always: start it again when it ends by itself, after a backoff of 500ms doubling to 30s.")
    String restart;

    @Option(names = "--max-restarts", paramLabel = "N", description = "With --restart: give up (phase errored) after N restarts within --within.")
    Integer maxRestarts;

    @Option(names = "--within", paramLabel = "D", description = "The window of --max-restarts (default 1m).")
    String within;

    @Option(names = "--no-log-file", description = "Keep its output in the ring only, not also in STEWARD_HOME/logs.")
    boolean noLogFile;

    @Option(names = "--notify", description = "Give it an sd_notify socket (NOTIFY_SOCKET): READY=1, STATUS=, WATCHDOG=1.")
    boolean notifySocket;

    @Option(names = "--watchdog", paramLabel = "D", description = "sd_notify watchdog: WATCHDOG_USEC and WATCHDOG_PID set; no WATCHDOG=1 for D is a stall.")
    String watchdog;

    @Option(names = "--stall-after", paramLabel = "D", description = "No heartbeat (VLP or WATCHDOG=1) for D is a stall.")
    String stallAfter;

    @Option(names = "--start-timeout", paramLabel = "D", description = "With --stall-after or --watchdog: no first heartbeat (or READY=1) within D of a start is a stall (default 90s).")
    String startTimeout;

    @Option(names = "--on-stall", paramLabel = "ACTION", description = "none (default), restart, stop or signal:SIG.")
    String onStall;

    @Option(names = "--wait-ready", description = "Return once it reports READY=1 (implies --notify); exit 1 if it ends first.")
    boolean waitReady;

    @Option(names = "--ready-timeout", paramLabel = "D", description = "How long --wait-ready waits (default 5m).")
    String readyTimeout;

    @Option(names = "--attach", description = "Attach to it at once (as steward attach); with --pty the terminal takes our window size.")
    boolean attach;

    @Option(names = "--json", description = "Print the session as one JSON document.")
    boolean json;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> argv;

    @Override
    public Integer call() {
        Map<String, Object> body = body();
        Map<String, Object> s = Clients.starting().run(body);
        if (waitReady) {
            s = Clients.existing().awaitReady((String) s.get("id"),
                    readyTimeout != null ? Durations.parse(readyTimeout).toMillis() : READY_TIMEOUT_MS);
            if (!Boolean.TRUE.equals(s.get("ready"))) {
                if (json) {
                    Printer.json(s);
                }
                System.err.println("steward: session " + s.get("id") + (Boolean.TRUE.equals(s.get("timedOut"))
                        ? " did not report ready in time" : " ended before it reported ready") + " ("
                        + s.get("phase") + ")");
                return 1;
            }
        }
        if (json) {
            Printer.json(s);
        } else if (!attach) {
            System.out.println(s.get("id"));
        }
        return attach ? AttachCommand.attach(Clients.existing(), (String) s.get("id"), false, false, json) : 0;
    }

    static final long READY_TIMEOUT_MS = 5 * 60 * 1000;

    Map<String, Object> body() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("argv", argv);
        put(b, "name", name);
        put(b, "label", label);
        if (pty) {
            b.put("pty", true);
        }
        if (pty && attach && rows == null && cols == null) {
            int[] size = RawTerminal.ourSize();
            b.put("rows", size[0]);
            b.put("cols", size[1]);
        }
        put(b, "rows", rows);
        put(b, "cols", cols);
        put(b, "cwd", cwd);
        if (!env.isEmpty()) {
            Map<String, Object> vars = new LinkedHashMap<>();
            for (String kv : env) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new StewardException(ErrorCode.INVALID_INPUT, "--env wants KEY=VALUE, got '" + kv + "'");
                }
                vars.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            b.put("env", vars);
        }
        if (clearEnv) {
            b.put("clearEnv", true);
        }
        if (mergeStderr) {
            b.put("mergeStderr", true);
        }
        put(b, "ringBytes", ringBytes);
        put(b, "overflow", overflow);
        putMillis(b, "maxLifetimeMs", maxLifetime);
        putMillis(b, "idleTimeoutMs", idleTimeout);
        putMillis(b, "retainMs", retain);
        putMillis(b, "graceMs", grace);
        put(b, "restart", restart);
        put(b, "maxRestarts", maxRestarts);
        if (noLogFile) {
            b.put("logFile", false);
        }
        putMillis(b, "restartWindowMs", within);
        if (notifySocket || waitReady) {
            b.put("notify", true);
        }
        putMillis(b, "watchdogMs", watchdog);
        putMillis(b, "stallAfterMs", stallAfter);
        putMillis(b, "startTimeoutMs", startTimeout);
        put(b, "onStall", onStall);
        return b;
    }

    private static void put(Map<String, Object> b, String key, Object value) {
        if (value != null) {
            b.put(key, value);
        }
    }

    private static void putMillis(Map<String, Object> b, String key, String duration) {
        if (duration != null) {
            b.put(key, Durations.parse(duration).toMillis());
        }
    }
}
