package io.steward.cli;

import io.steward.api.Json;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code steward help [VERB…]}: the usage {@code steward VERB… --help} prints, from the same model. */
@Command(name = "help", description = "Show the usage of steward, or of a command: steward help logs.")
final class HelpCommand implements Callable<Integer> {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "A command, and a command of it: daemon run.")
    List<String> path = List.of();

    @Option(names = "--json", description = "The usage as one JSON document: command and usage.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine c = spec.commandLine().getParent();
        for (String name : path) {
            CommandLine sub = c.getSubcommands().get(name);
            if (sub == null) {
                throw UnknownCommand.unknown(c, name);
            }
            c = sub;
        }
        if (json) {
            Printer.json(Json.object("command", c.getCommandSpec().qualifiedName(" "), "usage",
                    c.getUsageMessage(CommandLine.Help.Ansi.OFF)));
        } else {
            c.usage(System.out);
        }
        return 0;
    }
}
