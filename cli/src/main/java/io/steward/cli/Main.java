package io.steward.cli;

import io.steward.api.StewardException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/steward}. Errors are one line on stderr; usage errors exit 2. */
@Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A process supervisor: runs, watches and stops whole process trees.")
public final class Main implements Runnable {
    public static final int EXIT_USAGE = 2;

    /**
     * The verbs, in the order help lists them. They are registered by {@link #commandLine}, not in
     * the annotation: picocli builds the model of every registered command up front, by reflection,
     * and that was most of a short command's run time.
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(RunCommand.class, LsCommand.class, StatusCommand.class,
            LogsCommand.class, AttachCommand.class, ControlCommands.Send.class, ControlCommands.Signal.class, ControlCommands.Stop.class,
            ControlCommands.Restart.class, ControlCommands.Kill.class, ControlCommands.Wait.class, ControlCommands.Resize.class,
            ControlCommands.Rm.class, ControlCommands.Purge.class, ControlCommands.KillOlder.class,
            ControlCommands.Events.class, BeatsCommand.class, AppCommands.Save.class, AppCommands.Resurrect.class,
            AppCommands.Flush.class, ApplyCommand.class,
            StartupCommand.class, ExecCommand.class, DaemonCommand.class, CapsCommand.class,
            CompletionCommand.class, HelpCommand.class,
            TopCommand.class);

    /** Verbs that describe the others, so every verb is registered when they run. */
    private static final List<String> DESCRIBING = List.of("completion", "help");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * The command line for {@code args}: when the first argument names a verb, only that verb is
     * registered (its parsing, help and errors are the same; the others are never looked at);
     * otherwise, and for {@code completion} and {@code help}, which describe them all, every verb is.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        Class<?> only = null;
        if (args.length > 0 && !DESCRIBING.contains(args[0])) {
            only = verbNamed(args[0]);
        }
        for (Class<?> c : only != null ? List.<Class<?>>of(only) : SUBCOMMANDS) {
            cli.addSubcommand(c);
        }
        // every verb's error points to its --help, so every verb has one, the daemon's verbs too
        cli.getSubcommands().values().forEach(Main::addHelpOption);
        // After the command of exec and run, everything is the command's: `steward run ls -l` must not
        // take -l for ours. Other verbs accept options after their arguments.
        for (String verb : new String[] {"exec", "run"}) {
            CommandLine sub = cli.getSubcommands().get(verb);
            if (sub != null) {
                sub.setStopAtPositional(true);
            }
        }
        CommandLine run = cli.getSubcommands().get("run");
        if (run != null) {
            RunCommand.Flags.addTo(run.getCommandSpec());
        }
        return cli;
    }

    static int run(String[] args) {
        Callable<Integer> quick = args.length > 0 ? quick(args) : null;
        if (quick != null) {
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
        CommandLine cli = commandLine(args);
        cli.setParameterExceptionHandler((e, line) -> {
            CommandLine c = e.getCommandLine();
            String unknown = unknownVerb(e);
            if (unknown == null && asksForHelp(line)) {
                // help wins over what else the line lacks or has wrong: the usage is what that user needs
                c.usage(c.getOut());
                c.getOut().flush();
                return 0;
            }
            String path = verbPath(c);
            c.getErr().println("steward: " + (unknown != null ? unknown
                    : e.getMessage() + " (see 'steward " + (path.isEmpty() ? "" : path + " ") + "--help')"));
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Integer code = failure(e, commandLine.getErr());
            if (code == null) {
                throw e;
            }
            return code;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    /** The plain verb of {@code args}, parsed without picocli, or null. */
    private static Callable<Integer> quick(String[] args) {
        Class<?> verb = verbNamed(args[0]);
        return verb == null ? null : QuickLine.parse(verb, args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    }

    /** The command class whose name is {@code name}, or null. */
    static Class<?> verbNamed(String name) {
        for (Class<?> c : SUBCOMMANDS) {
            if (c.getAnnotation(Command.class).name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** One line and the documented exit code for a failure we know; null for a bug, which keeps its trace. */
    private static Integer failure(Exception e, PrintWriter err) {
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

    /** A {@code -h, --help} option on {@code c} and on its own verbs (the daemon's), unless it has one. */
    private static void addHelpOption(CommandLine c) {
        if (c.getCommandSpec().optionsMap().get("--help") == null) {
            c.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help and exit.").build());
        }
        c.getSubcommands().values().forEach(Main::addHelpOption);
    }

    /** The line saying a verb is not one, with the nearest there is; null for any other usage error. */
    private static String unknownVerb(CommandLine.ParameterException e) {
        if (e instanceof UnknownCommand) {
            return e.getMessage();
        }
        CommandLine c = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !c.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            return UnknownCommand.of(c, u.getUnmatched().getFirst()).getMessage();
        }
        return null;
    }

    /** Whether the line asks for help ({@code -h}, {@code --help}) in steward's part of it, before any {@code --}. */
    private static boolean asksForHelp(String[] line) {
        for (String a : line) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("-h") || a.equals("--help")) {
                return true;
            }
        }
        return false;
    }

    /** The verbs that lead to {@code c}: {@code logs}, {@code daemon run}; empty for steward itself. */
    static String verbPath(CommandLine c) {
        String qualified = c.getCommandSpec().qualifiedName(" ");
        int space = qualified.indexOf(' ');
        return space < 0 ? "" : qualified.substring(space + 1);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"steward " + (v != null ? v : "0.1.0-dev")};
        }
    }
}
