package io.steward.cli;

import io.steward.daemon.DaemonMain;

import io.steward.api.StewardException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Entry point of {@code bin/steward}. Errors are one line on stderr; usage errors exit 2. A plain
 * verb ({@link QuickLine}) runs without a picocli class ever loading (picocli's class files are too
 * old for the JDK's AOT cache, so each would be looked for in the jars); any other line goes to
 * {@link PicocliLine}.
 */
public final class Main {
    public static final int EXIT_USAGE = 2;

    /**
     * The verbs, in the order help lists them. They are registered by {@link PicocliLine#commandLine}, not in
     * the annotation: picocli builds the model of every registered command up front, by reflection,
     * and that was most of a short command's run time.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, LsCommand.class, TopCommand.class, StatusCommand.class,
            LogsCommand.class, AttachCommand.class, ControlCommands.Send.class, ControlCommands.Signal.class,
            ControlCommands.Stop.class, ControlCommands.Restart.class, StartCommand.class, ReloadCommand.class,
            ControlCommands.Kill.class, ControlCommands.Wait.class, ControlCommands.Resize.class,
            ControlCommands.Rm.class, ControlCommands.Purge.class, ControlCommands.KillOlder.class,
            ControlCommands.Events.class, BeatsCommand.class, AppCommands.Save.class, AppCommands.Resurrect.class,
            AppCommands.Flush.class, ApplyCommand.class, CheckpointCommands.Checkpoint.class,
            CheckpointCommands.ListCheckpoints.class, CheckpointCommands.Restore.class, CheckpointCommands.Gc.class,
            PortsCommand.class, TreeCommand.class, ObserveCommand.class,
            StartupCommand.class, ExecCommand.class, DaemonCommand.class, UiCommand.class, CapsCommand.class,
            CompletionCommand.class, HelpCommand.class);

    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("daemon") && args[1].equals("run")
                && args[2].startsWith("--resume-check=")) {
            // A daemon about to hand over waits for this answer: no command line to build for it.
            int code = DaemonMain.resumeCheck(Integer.parseInt(args[2].substring(15)));
            System.out.flush();
            Runtime.getRuntime().halt(code);
        }
        if (args.length >= 3 && args[0].equals("daemon") && args[1].equals("run")
                && args[args.length - 1].startsWith("--resume-fd=")) {
            // A daemon taking over from its predecessor, which waits on this JVM to serve: no command line to build.
            System.exit(DaemonCommand.takeOver(args));
        }
        nameTheSelectorProvider();
        Callable<Integer> quick = args.length > 0 ? quick(args) : null;
        if (quick == null) {
            System.exit(PicocliLine.execute(args));
        }
        int code = call(quick);
        // A plain verb only talks to the daemon and registers no shutdown hook, so it halts once its
        // output is out: System.exit would first look for a System.Logger backend in every jar
        // (JDK 17+ logs Runtime.exit), about a fifth of a short command (bench/RESULTS.md, cli-latency).
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    static int run(String[] args) {
        Callable<Integer> quick = args.length > 0 ? quick(args) : null;
        return quick != null ? call(quick) : PicocliLine.execute(args);
    }

    /** Runs a plain verb parsed by {@link QuickLine}, with the messages and exit codes picocli's path gives. */
    private static int call(Callable<Integer> quick) {
        PrintWriter err = new PrintWriter(System.err, true);
        try {
            return quick.call();
        } catch (Exception e) {
            Integer code = failure(e, err);
            if (code == null) {
                e.printStackTrace(err);
                return Errors.FAILURE;
            }
            return code;
        }
    }

    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    /**
     * Names the JDK's own selector provider, when this JDK has the one we know, so that opening the
     * daemon's socket does not look for another in every jar on the class path: the CLI's class
     * path holds the daemon's jars too, and opening them all was about a fifth of a short command
     * (bench/RESULTS.md, cli-latency). The CLI owns its process, so the property is its to set.
     */
    private static void nameTheSelectorProvider() {
        String epoll = "sun.nio.ch.EPollSelectorProvider";
        if (System.getProperty(SELECTOR_PROVIDER) != null) {
            return;
        }
        try {
            Class.forName(epoll, false, null); // loaded, not initialised: only whether this JDK has it
            System.setProperty(SELECTOR_PROVIDER, epoll);
        } catch (ClassNotFoundException e) {
            // another JDK: it looks for a provider as usual
        }
    }

    /** The plain verb of {@code args}, parsed without picocli, or null. */
    private static Callable<Integer> quick(String[] args) {
        Class<?> verb = verbNamed(args[0]);
        return verb == null ? null : QuickLine.parse(verb, args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    /** The command class whose name is {@code name}, or null. */
    static Class<?> verbNamed(String name) {
        for (Class<?> c : SUBCOMMANDS) {
            if (name.equals(VerbTable.nameOf(c))) {
                return c;
            }
        }
        return null;
    }

    /** One line and the documented exit code for a failure we know; null for a bug, which keeps its trace. */
    static Integer failure(Exception e, PrintWriter err) {
        if (e instanceof io.steward.client.DaemonUnreachableException du) {
            boolean hint = !du.getMessage().contains("daemon.log") && du.lockHolder() == io.steward.api.LockHolder.NONE;
            err.println("steward: " + du.getMessage() + (hint ? "; start it with 'steward daemon start'" : ""));
            return Errors.UNREACHABLE;
        }
        if (e instanceof StewardException se) {
            err.println("steward: " + se.getMessage());
            return Errors.exitCode(se.code());
        }
        return null;
    }

}
