package io.steward.cli;

import io.steward.api.StewardException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/steward}. Errors are one line on stderr; usage errors exit 2. */
@Command(name = "steward", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A process supervisor: runs, watches and stops whole process trees.",
        subcommands = {ExecCommand.class, DaemonCommand.class, CapsCommand.class, AttachCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setStopAtPositional(true);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("steward: " + e.getMessage()
                    + " (see 'steward " + commandPath(e.getCommandLine()) + "--help')");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof io.steward.client.DaemonUnreachableException du) {
                commandLine.getErr().println("steward: " + du.getMessage());
                return Errors.UNREACHABLE;
            }
            if (e instanceof StewardException se) {
                commandLine.getErr().println("steward: " + se.getMessage());
                return Errors.exitCode(se.code());
            }
            throw e;
        });
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    private static String commandPath(CommandLine c) {
        String name = c.getCommandName();
        return name.equals("steward") ? "" : name + " ";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"steward " + (v != null ? v : "0.1.0-dev")};
        }
    }
}
