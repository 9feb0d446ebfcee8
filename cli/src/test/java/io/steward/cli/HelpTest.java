package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every verb answers {@code --help} and {@code help VERB} with its usage, a verb that is not one gets
 * the nearest, and the README and the completion script say what the command model says.
 */
class HelpTest {
    /** Every verb, the daemon's own verbs too, from the model the CLI runs. */
    private static List<CommandLine> verbs() {
        List<CommandLine> all = new ArrayList<>();
        collect(PicocliLine.commandLine(new String[] {"help"}), all);
        return all;
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        for (CommandLine sub : c.getSubcommands().values()) {
            into.add(sub);
            collect(sub, into);
        }
    }

    private static String[] words(String... parts) {
        return Stream.of(parts).flatMap(p -> Stream.of(p.split(" "))).filter(w -> !w.isEmpty()).toArray(String[]::new);
    }

    @Test
    void everyVerbAnswersHelpAndHelpVerbWithItsUsage() {
        List<CommandLine> verbs = verbs();
        assertTrue(verbs.size() > 25, "the model has every verb: " + verbs.size());
        for (CommandLine verb : verbs) {
            String path = PicocliLine.verbPath(verb);
            Cli.Result help = InProcess.run(words(path, "--help"));
            assertEquals(0, help.code(), path + " --help: " + help.err());
            assertEquals("", help.err(), path);
            assertTrue(help.out().startsWith("Usage: steward " + path), path + ": " + help.out());
            assertEquals(help, InProcess.run(words(path, "-h")), path + " -h");
            assertEquals(help, InProcess.run(words("help", path)), "help " + path);
        }
        Cli.Result top = InProcess.run("help");
        assertEquals(0, top.code());
        assertEquals(InProcess.run("--help"), top);
        for (CommandLine verb : verbs) {
            if (verb.getParent().getParent() == null) {
                assertTrue(top.out().contains("\n  " + verb.getCommandName() + " "), verb.getCommandName() + " in " + top.out());
            }
        }
        var json = Json.parseObject(InProcess.run("help", "logs", "--json").out());
        assertEquals("steward logs", json.get("command"));
        assertTrue(json.get("usage").toString().startsWith("Usage: steward logs"));
    }

    /** Help comes before what the line lacks or has wrong: the usage is what such a user needs. */
    @Test
    void helpWinsOverAnIncompleteLine() {
        for (String[] line : List.of(words("logs --help"), words("logs web --tail many --help"), words("send --help"),
                words("resize web --help"), words("run --help"), words("apply --help"), words("kill-older -h"))) {
            Cli.Result r = InProcess.run(line);
            assertEquals(0, r.code(), String.join(" ", line) + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: steward " + line[0]), r.out());
        }
    }

    @Test
    void anUnknownVerbIsNamedWithTheNearestAndExit2() {
        assertEquals("steward: unknown command 'lgs'; did you mean 'logs'?\n", usageError("lgs", "web"));
        assertEquals("steward: unknown command 'stauts'; did you mean 'status'?\n", usageError("stauts"));
        assertEquals("steward: unknown command 'resurect'; did you mean 'resurrect'?\n", usageError("resurect"));
        assertEquals("steward: unknown command 'daemon strat'; did you mean 'daemon start'?\n", usageError("daemon", "strat"));
        assertEquals("steward: unknown command 'lgs'; did you mean 'logs'?\n", usageError("help", "lgs"));
        assertEquals("steward: unknown command 'daemon sop'; did you mean 'daemon stop'?\n", usageError("help", "daemon", "sop"));
        assertEquals("steward: unknown command 'frobnicate'; see 'steward help'\n", usageError("frobnicate"));
        assertEquals("steward: unknown command 'daemon frobnicate'; see 'steward help daemon'\n",
                usageError("daemon", "frobnicate"));
        // an option of a verb is not a verb
        assertTrue(usageError("daemon", "stop", "--bogus").startsWith("steward: Unknown option: '--bogus' (see 'steward daemon stop --help')"));
    }

    private static String usageError(String... line) {
        Cli.Result r = InProcess.run(line);
        assertEquals(2, r.code(), String.join(" ", line) + ": " + r.out() + r.err());
        assertEquals("", r.out());
        return r.err();
    }

    @Test
    void theNearestVerb() {
        List<String> verbs = List.of("run", "ls", "status", "logs", "attach", "send", "stop", "kill", "start");
        assertEquals("logs", UnknownCommand.nearest("lgs", verbs), "as close as ls, with more in common");
        assertEquals("ls", UnknownCommand.nearest("lss", verbs));
        assertEquals("send", UnknownCommand.nearest("sned", verbs), "a swap is one edit");
        assertEquals("attach", UnknownCommand.nearest("att", verbs), "a verb it begins");
        assertNull(UnknownCommand.nearest("xyz", verbs));
        assertNull(UnknownCommand.nearest("q", verbs));
        assertEquals(3, UnknownCommand.distance("kitten", "sitting"));
    }

    /** Through the JVM's own exit, as a shell sees it. */
    @Test
    void asAUserRunsIt() throws Exception {
        Cli.Result help = Cli.run(null, "logs", "--help");
        assertEquals(0, help.code(), help.err());
        assertEquals(help.out(), Cli.run(null, "help", "logs").out());
        Cli.Result unknown = Cli.run(null, "lgs");
        assertEquals(2, unknown.code());
        assertEquals("steward: unknown command 'lgs'; did you mean 'logs'?\n", unknown.err());
    }

    @Test
    void everyVerbTakesJson() {
        for (CommandLine verb : verbs()) {
            String path = PicocliLine.verbPath(verb);
            boolean group = !verb.getSubcommands().isEmpty();
            if (!group) {
                assertTrue(verb.getCommandSpec().optionsMap().containsKey("--json"), path + " takes --json");
            }
        }
    }

    @Test
    void theCompletionScriptHasEveryVerbAndOption() {
        Cli.Result r = InProcess.run("completion", "bash");
        assertEquals(0, r.code(), r.err());
        for (CommandLine verb : verbs()) {
            assertTrue(r.out().contains(verb.getCommandName()), verb.getCommandName());
            for (OptionSpec o : verb.getCommandSpec().options()) {
                // hidden: what one build of the daemon passes the next (--resume-fd), no user's to type
                assertTrue(o.hidden() || r.out().contains(o.longestName()), PicocliLine.verbPath(verb) + " " + o.longestName());
            }
        }
    }

    /**
     * The README's line for each verb (the row of its command table, or the line of exec) names every
     * option the verb has, but --json, which every verb takes, and --help.
     */
    @Test
    void theReadmeNamesEveryVerbAndOption() throws IOException {
        // a row's first cell (up to the first | not escaped), or exec's line
        List<String> lines = Files.readAllLines(Path.of("").toAbsolutePath().getParent().resolve("README.md")).stream()
                .filter(l -> l.startsWith("| `") || l.startsWith("`steward "))
                .map(l -> l.startsWith("|") ? l.substring(0, firstCellEnd(l)) : l)
                .toList();
        List<String> missing = new ArrayList<>();
        for (CommandLine verb : verbs()) {
            String path = PicocliLine.verbPath(verb);
            String top = path.split(" ")[0];
            String row = lines.stream().filter(l -> l.matches(".*`(steward )?" + Pattern.quote(top) + "[` \\\\].*"))
                    .findFirst().orElse(null);
            if (row == null) {
                missing.add(path);
                continue;
            }
            for (OptionSpec o : verb.getCommandSpec().options()) {
                boolean named = Stream.of(o.names()).anyMatch(name -> Pattern.compile(
                        "[\\[ ]" + Pattern.quote(name) + "(?![\\w-])").matcher(row).find());
                if (!o.longestName().equals("--json") && !o.usageHelp() && !o.hidden() && !named) {
                    missing.add(path + " " + o.longestName());
                }
            }
        }
        assertEquals(List.of(), missing, "verbs and options the README's command lines leave out");
    }

    private static int firstCellEnd(String row) {
        Matcher m = Pattern.compile("[^\\\\] \\| ").matcher(row);
        return m.find(2) ? m.start() + 1 : row.length();
    }
}
