package io.steward.cli;

import io.steward.api.Durations;
import io.steward.api.Json;
import io.steward.api.MillisType;
import io.steward.api.Overflow;
import io.steward.core.ExitStatus;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessRuntime;
import io.steward.core.ProcessSpec;
import io.steward.core.SpawnException;
import io.steward.sys.Libc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward exec}: runs one command in the foreground under the runtime, without a daemon,
 * and guarantees that nothing it started outlives it.
 */
@Command(name = "exec", description = "Run CMD in the foreground; kill its whole tree on timeout or Ctrl-C; exit with its code.")
final class ExecCommand implements Callable<Integer> {
    private static final MillisType DURATION = new MillisType(0);

    @Option(names = "--timeout", paramLabel = "D", description = "Stop CMD (soft, then hard) after D, e.g. 30s.")
    String timeout;

    @Option(names = "--idle-timeout", paramLabel = "D", description = "Stop CMD when it prints nothing for D.")
    String idleTimeout;

    @Option(names = "--grace", paramLabel = "D", defaultValue = "5s",
            description = "Time between SIGTERM and SIGKILL when stopping (default ${DEFAULT-VALUE}).")
    String grace;

    @Option(names = "--pty", description = "Run CMD in a pseudo-terminal; a terminal on our side goes raw.")
    boolean pty;

    @Option(names = "--find-leaks", description = "Report descendants still alive when CMD exits (they are killed either way).")
    boolean findLeaks;

    @Option(names = "--json", description = "Print a JSON summary of how CMD ended on stderr.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        Duration graceD = DURATION.parse("--grace", grace);
        Duration timeoutD = timeout != null ? DURATION.parse("--timeout", timeout) : null;
        Duration idleD = idleTimeout != null ? DURATION.parse("--idle-timeout", idleTimeout) : null;
        boolean stdinTty = Libc.isatty(0);
        ProcessSpec.Builder spec = ProcessSpec.builder(command)
                .cwd(Path.of("").toAbsolutePath())
                .overflow(Overflow.BACKPRESSURE);
        TerminalSession terminal = null;
        if (pty) {
            int[] size = RawTerminal.ourSize();
            spec.pty(size[0], size[1]);
        } else {
            // The child reads our stdin directly: exact EOF, no copy. In its own session the terminal is not
            // its controlling tty, so reading it raises no job-control stops.
            spec.stdin(ProcessSpec.Stdin.INHERIT);
        }
        AtomicReference<String> reason = new AtomicReference<>();
        AtomicReference<ManagedProcess> child = new AtomicReference<>();
        // Before the spawn, so no Ctrl-C can end us while the child runs unwatched.
        Interrupts.install(() -> {
            boolean first = reason.compareAndSet(null, "interrupted");
            ManagedProcess running = child.get();
            if (running == null) {
                return; // seen right after the spawn
            }
            if (first) {
                running.stop(graceD);
            } else {
                running.kill();
            }
        });
        try (ProcessRuntime runtime = ProcessRuntime.create()) {
            ManagedProcess p;
            try {
                p = runtime.spawn(spec.build());
            } catch (SpawnException e) {
                System.err.println("steward: " + e.getMessage());
                return e.shellCode();
            }
            child.set(p);
            if (reason.get() != null) {
                p.stop(graceD); // interrupted while the spawn was under way
            }
            Forwarder out = Forwarder.toStdout(p.stdout());
            Forwarder err = p.stderr().map(Forwarder::toStderr).orElse(null);
            if (pty) {
                terminal = TerminalSession.start(p, stdinTty);
            }
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon(true).name("exec-timers").factory());
            if (timeoutD != null) {
                timers.schedule(() -> {
                    if (reason.compareAndSet(null, "timed out after " + Durations.format(timeoutD))) {
                        p.stop(graceD);
                    }
                }, timeoutD.toNanos(), TimeUnit.NANOSECONDS);
            }
            if (idleD != null) {
                watchIdle(timers, p, idleD, graceD, reason);
            }
            ExitStatus status;
            try {
                status = p.waitFor();
                out.join(5000);
                if (err != null) {
                    err.join(5000);
                }
            } finally {
                if (terminal != null) {
                    terminal.close();
                }
                timers.shutdownNow();
            }
            report(status, reason.get());
            return status.shellCode();
        } finally {
            if (terminal != null) {
                terminal.close();
            }
        }
    }

    private static void watchIdle(ScheduledExecutorService timers, ManagedProcess p, Duration idle, Duration grace,
            AtomicReference<String> reason) {
        long due = p.lastOutputNanos() + idle.toNanos() - System.nanoTime();
        timers.schedule(() -> {
            if (p.phase() != ManagedProcess.Phase.RUNNING) {
                return;
            }
            if (System.nanoTime() - p.lastOutputNanos() >= idle.toNanos()) {
                if (reason.compareAndSet(null, "no output for " + Durations.format(idle))) {
                    p.stop(grace);
                }
            } else {
                watchIdle(timers, p, idle, grace, reason);
            }
        }, Math.max(due, 1_000_000), TimeUnit.NANOSECONDS);
    }

    private void report(ExitStatus status, String reason) {
        if (reason != null) {
            System.err.println("steward: " + reason + "; " + status.describe() + " (" + status.outcome().wire() + ")");
        }
        if (findLeaks) {
            for (ExitStatus.Leftover l : status.leftovers()) {
                System.err.println("steward: leak: pid " + l.pid() + " (" + String.join(" ", l.argv())
                        + ") outlived the command; killed");
            }
            if (status.leftovers().isEmpty() && !json) {
                System.err.println("steward: no leaks: nothing outlived the command");
            }
        }
        if (json) {
            List<Object> leaks = new java.util.ArrayList<>();
            for (ExitStatus.Leftover l : status.leftovers()) {
                leaks.add(Json.object("pid", l.pid(), "argv", l.argv()));
            }
            System.err.println(Json.write(Json.object(
                    "exitCode", status.exitCode(),
                    "signal", status.signalName(),
                    "outcome", status.outcome(),
                    "reason", reason,
                    "cpuMs", status.cpuMicros() / 1000,
                    "leftovers", leaks)));
        }
    }
}
