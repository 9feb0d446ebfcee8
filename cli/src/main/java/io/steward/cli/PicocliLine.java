package io.steward.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A command line parsed by picocli: every verb but the plain ones, help, completion and usage
 * errors. The root command {@code steward} is this class.
 */
@Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = PicocliLine.Version.class,
        description = "A process supervisor: runs, watches and stops whole process trees.")
final class PicocliLine implements Runnable {
    /** Verbs that describe the others, so every verb is registered when they run. */
    private static final List<String> DESCRIBING = List.of("completion", "help");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw UnknownCommand.usage(spec.commandLine(), "missing command");
    }

    /**
     * The command line for {@code args}: when the first argument names a verb, only that verb is
     * registered (its parsing, help and errors are the same; the others are never looked at);
     * otherwise, and for {@code completion} and {@code help}, which describe them all, every verb is.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new PicocliLine());
        Class<?> only = null;
        if (args.length > 0 && !DESCRIBING.contains(args[0])) {
            only = Main.verbNamed(args[0]);
        }
        for (Class<?> c : only != null ? List.<Class<?>>of(only) : Main.SUBCOMMANDS) {
            cli.addSubcommand(c);
        }
        // every verb's error points to its --help, so every verb has one, the daemon's verbs too
        cli.getSubcommands().values().forEach(PicocliLine::addHelpOption);
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

    /** Parses and runs {@code args}; the exit code. */
    static int execute(String[] args) {
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
            return Main.EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Integer code = Main.failure(e, commandLine.getErr());
            if (code == null) {
                throw e;
            }
            return code;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    /** A {@code -h, --help} option on {@code c} and on its own verbs (the daemon's), unless it has one. */
    private static void addHelpOption(CommandLine c) {
        if (c.getCommandSpec().optionsMap().get("--help") == null) {
            c.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                    .description("Show this help and exit.").build());
        }
        c.getSubcommands().values().forEach(PicocliLine::addHelpOption);
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
            String v = PicocliLine.class.getPackage().getImplementationVersion();
            return new String[] {"steward " + (v != null ? v : "0.1.0-dev")};
        }
    }
}
