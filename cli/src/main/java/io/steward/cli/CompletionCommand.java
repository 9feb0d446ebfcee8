package io.steward.cli;

import io.steward.api.Json;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code steward completion bash|zsh}: a completion script generated from the command model, so it
 * can never fall behind the commands. zsh runs the same script through bashcompinit.
 */
@Command(name = "completion", description = "Print a bash or zsh completion script: source <(steward completion bash).")
final class CompletionCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SHELL", defaultValue = "bash", description = "bash (default) or zsh.")
    String shell;

    @Option(names = "--json", description = "One JSON document: shell and script.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw UnknownCommand.usage(spec.commandLine(), "shell must be bash or zsh, got '" + shell + "'");
        }
        CommandLine root = spec.commandLine().getParent();
        String script = AutoComplete.bash("steward", root);
        if (shell.equals("zsh")) {
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        if (json) {
            Printer.json(Json.object("shell", shell, "script", script));
        } else {
            System.out.print(script);
        }
        return 0;
    }
}
