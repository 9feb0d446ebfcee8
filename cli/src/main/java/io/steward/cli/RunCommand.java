package io.steward.cli;

import io.steward.api.BoolType;
import io.steward.api.ErrorCode;
import io.steward.api.MillisType;
import io.steward.api.RunOption;
import io.steward.api.RunOptions;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.api.TextListType;
import io.steward.api.TextMapType;
import io.steward.core.SpawnException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward run -- CMD…}: starts a session in the daemon (starting the daemon if needed) and
 * prints its id. The flags of the session's options come from {@link RunOptions} ({@link Flags}),
 * and so do their help and their checks; the flags declared here are about the command itself.
 * The session runs in our world, as a command typed in a shell does: in our working directory,
 * with our environment ({@link CallerWorld}), unless {@code --cwd} or {@code --clear-env} say
 * otherwise. The daemon is sent the directory and the whole environment, since it cannot see ours
 * (nor read an env file relative to us).
 */
@Command(name = "run", description = "Start a session in the daemon and print its id.")
final class RunCommand implements Callable<Integer> {
    /** As long as apply waits for an app's dependency (its {@code ready-timeout}). */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final MillisType READY_TIMEOUT_TYPE = new MillisType(1);

    @Option(names = "--wait-ready", description = "Return once it reports READY=1 (implies --notify); exit 1 if it ends"
            + " first or --ready-timeout passes (it keeps running then).")
    boolean waitReady;

    @Option(names = "--ready-timeout", paramLabel = "D", description = "How long --wait-ready waits (default 60s).")
    String readyTimeout;

    @Option(names = "--attach", description = "Attach to it at once (as steward attach); with --pty the terminal takes our window size.")
    boolean attach;

    @Option(names = "--env-file", paramLabel = "F", description = "Variables from a dotenv file (KEY=value lines,"
            + " # comments, quotes; nothing expanded), over ours and under --env; repeatable, a later file wins.")
    List<String> envFiles;

    @Option(names = "--json", description = "Print the session as one JSON document.")
    boolean json;

    @Parameters(paramLabel = "CMD", arity = "1..*", description = "The command and its arguments (after --).")
    List<String> argv;

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RunRequestBody body = body();
        Duration timeout = readyTimeout();
        SessionInfo s;
        try {
            s = Clients.starting().sessions().run(body);
        } catch (StewardException e) {
            OptionalInt shellCode = SpawnException.shellCodeOf(e.getMessage());
            if (shellCode.isPresent()) {
                System.err.println("steward: " + e.getMessage()); // as exec says it, with exec's code
                return shellCode.getAsInt();
            }
            throw FlagNames.of(tooLarge(e, body));
        }
        if (waitReady) {
            long start = System.nanoTime();
            String ref = s.id();
            s = Waits.until(timeout, slice -> Clients.existing().sessions().awaitReady(ref, slice));
            if (!Boolean.TRUE.equals(s.heartbeat().ready())) {
                if (json) {
                    Printer.json(s.toJson());
                }
                System.err.println("steward: " + notReady(s, Duration.ofNanos(System.nanoTime() - start)));
                return Errors.FAILURE;
            }
        }
        if (json) {
            Printer.json(s.toJson());
        } else if (!attach) {
            System.out.println(s.id());
        }
        return attach ? AttachCommand.attach(Clients.existing(), s.id(), false, false, json) : 0;
    }

    private Duration readyTimeout() {
        if (readyTimeout == null) {
            return READY_TIMEOUT;
        }
        if (!waitReady) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "--ready-timeout: needs --wait-ready, which it bounds");
        }
        return READY_TIMEOUT_TYPE.parse("--ready-timeout", readyTimeout);
    }

    /** Why --wait-ready gave up, and after how long: {@code web (wpu3ypko) did not report ready within 60s; …}. */
    static String notReady(SessionInfo s, Duration waited) {
        if (Boolean.TRUE.equals(s.timedOut())) {
            return Printer.label(s) + " did not report ready (READY=1) within " + SessionView.time(waited)
                    + " (--ready-timeout); it is still " + SessionView.state(s) + ": steward stop "
                    + (s.name() != null ? s.name() : SessionView.shortId(s))
                    + " ends it";
        }
        return Printer.label(s) + " ended before it reported ready, after " + SessionView.time(waited) + " ("
                + SessionView.ending(s) + ")";
    }

    /** A request the daemon found too large is most likely our environment: say so, and what to do instead. */
    private static StewardException tooLarge(StewardException e, RunRequestBody body) {
        if (e.code() != ErrorCode.TOO_LARGE) {
            return e;
        }
        long envBytes = body.env().entrySet().stream().mapToLong(v -> v.getKey().length() + v.getValue().length() + 2).sum();
        return new StewardException(e.code(), e.getMessage() + "; the environment sent is " + envBytes
                + " characters: --clear-env with --env or --env-file sends only those", e);
    }

    /** The request: the command, the options given, each checked by its type before anything is sent. */
    RunRequestBody body() {
        RunRequestBody.Builder b = RunRequestBody.builder(RunOptions.ARGV.type().parseAll("CMD", argv));
        for (RunOption<?> o : RunOptions.ALL) {
            if (o.flag() != null && !WORLD.contains(o)) {
                given(b, o);
            }
        }
        world(b);
        if (waitReady) {
            b.set(RunOptions.NOTIFY, true);
        }
        if (Boolean.TRUE.equals(b.get(RunOptions.PTY)) && attach && b.get(RunOptions.ROWS) == null
                && b.get(RunOptions.COLS) == null) {
            int[] size = RawTerminal.ourSize();
            b.set(RunOptions.ROWS, size[0]);
            b.set(RunOptions.COLS, size[1]);
        }
        return b.build();
    }

    /** The options {@link #world} fills: where the session runs, and with what environment. */
    private static final List<RunOption<?>> WORLD = List.of(RunOptions.CWD, RunOptions.ENV, RunOptions.CLEAR_ENV);

    /**
     * The directory (ours unless {@code --cwd}, a relative one under ours) and the environment: ours
     * (none with {@code --clear-env}), then each {@code --env-file}, then each {@code --env}. The
     * daemon gets it whole, with {@code clearEnv}, so nothing of its own environment slips in.
     */
    private void world(RunRequestBody.Builder b) {
        List<String> cwdGiven = Flags.texts(RunOptions.CWD, spec.findOption(RunOptions.CWD.flag()).getValue());
        String cwd = cwdGiven.isEmpty() ? CallerWorld.cwd().toString() : CallerWorld.directory(cwdGiven.getFirst());
        boolean clear = !Flags.texts(RunOptions.CLEAR_ENV, spec.findOption(RunOptions.CLEAR_ENV.flag()).getValue()).isEmpty();
        Map<String, String> env = new LinkedHashMap<>(clear ? Map.of() : CallerWorld.environment());
        if (!cwdGiven.isEmpty() && env.containsKey("PWD")) {
            env.put("PWD", cwd); // as cd would leave it; without --cwd ours stays, symlinks and all, as the shell set it
        }
        for (String file : envFiles != null ? envFiles : List.<String>of()) {
            env.putAll(DotEnv.read(Path.of(file), "--env-file " + file));
        }
        List<String> given = Flags.texts(RunOptions.ENV, spec.findOption(RunOptions.ENV.flag()).getValue());
        env.putAll(RunOptions.ENV.type().parseAll(RunOptions.ENV.flag(), given));
        b.set(RunOptions.CWD, RunOptions.CWD.type().parse(RunOptions.CWD.flag(), cwd));
        b.set(RunOptions.ENV, ((TextMapType) RunOptions.ENV.type()).check(RunOptions.ENV.flag(), env));
        b.set(RunOptions.CLEAR_ENV, true);
    }

    private <T> void given(RunRequestBody.Builder b, RunOption<T> o) {
        List<String> texts = Flags.texts(o, spec.findOption(o.flag()).getValue());
        if (!texts.isEmpty()) {
            b.set(o, o.type().parseAll(o.flag(), texts));
        }
    }

    /**
     * The flags of the run options, added to the command picocli builds from the annotations
     * ({@link PicocliLine#commandLine}). Values stay text until {@link #body} has every type parse its own,
     * so a refusal is the type's one line, naming the flag.
     */
    static final class Flags {
        private Flags() {}

        static void addTo(CommandSpec spec) {
            for (RunOption<?> o : RunOptions.ALL) {
                if (o.flag() != null) {
                    spec.addOption(flag(o));
                }
            }
        }

        private static OptionSpec flag(RunOption<?> o) {
            OptionSpec.Builder b = OptionSpec.builder(o.flag()).description(help(o));
            if (o.type() instanceof BoolType) {
                return b.arity("0").type(boolean.class).build();
            }
            b.paramLabel(o.label());
            if (!o.type().choices().isEmpty()) {
                b.completionCandidates(o.type().choices());
            }
            if (repeatable(o)) {
                return b.type(List.class).auxiliaryTypes(String.class).arity("1").build();
            }
            return b.type(String.class).arity("1").build();
        }

        private static boolean repeatable(RunOption<?> o) {
            return o.type() instanceof TextMapType || o.type() instanceof TextListType
                    || o.type() instanceof io.steward.api.ObserveType;
        }

        /**
         * What {@code run} makes of the options about the session's world, which differs from the
         * wire's doc: the daemon starts from its own world, {@code run} from ours ({@link #world}).
         */
        private static final Map<RunOption<?>, String> OURS = Map.of(
                RunOptions.CWD, "Working directory (ours unless set; a relative one is under ours)",
                RunOptions.ENV, "Variables on top of our environment and the --env-file files",
                RunOptions.CLEAR_ENV, "Start from an empty environment instead of ours (--env and --env-file still apply)");

        /** The line of {@code --help}: what it does, what it takes, its default. */
        static String help(RunOption<?> o) {
            StringBuilder b = new StringBuilder(OURS.getOrDefault(o, o.doc()));
            if (o.negatedFlag()) {
                return b.append(" (on unless this flag is given).").toString();
            }
            if (!o.type().range().isEmpty()) {
                b.append(": ").append(o.type().range());
            }
            if (repeatable(o)) {
                b.append(", one a flag (repeatable)");
            }
            if (o.defaultValue() != null && !(o.type() instanceof BoolType)) {
                b.append(" (default ").append(o.defaultText()).append(')');
            }
            return b.append('.').toString();
        }

        /** What was given for {@code o}, as text its type parses; empty when it was not given. */
        @SuppressWarnings("unchecked")
        static List<String> texts(RunOption<?> o, Object value) {
            return switch (value) {
                case null -> List.of();
                case Boolean given when given -> List.of(Boolean.toString(!o.negatedFlag()));
                case Boolean notGiven -> List.of();
                case List<?> l -> (List<String>) l;
                default -> List.of(value.toString());
            };
        }
    }
}
