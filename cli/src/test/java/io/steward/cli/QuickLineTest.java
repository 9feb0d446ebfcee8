package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The fast parser must agree with picocli on every line it accepts, and hand back the rest. */
class QuickLineTest {
    private static Class<?> verb(String name) {
        return java.util.Objects.requireNonNull(Main.verbNamed(name), name);
    }

    /** Every annotated field's value, superclass fields included. */
    private static List<Object> fields(Object command) throws IllegalAccessException {
        List<Object> values = new ArrayList<>();
        for (Class<?> c = command.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.isAnnotationPresent(CommandLine.Option.class) || f.isAnnotationPresent(CommandLine.Parameters.class)) {
                    f.setAccessible(true);
                    values.add(f.getName() + "=" + f.get(command));
                }
            }
        }
        return values;
    }

    private static void agrees(String... line) throws Exception {
        Callable<Integer> quick = QuickLine.parse(verb(line[0]), line[0], Arrays.copyOfRange(line, 1, line.length));
        assertNotNull(quick, String.join(" ", line));
        CommandLine cli = PicocliLine.commandLine(line);
        CommandLine.ParseResult parsed = cli.parseArgs(line);
        Object viaPicocli = parsed.subcommand().commandSpec().userObject();
        assertEquals(fields(viaPicocli), fields(quick), String.join(" ", line));
    }

    private static void declines(String... line) {
        assertNull(QuickLine.parse(verb(line[0]), line[0], Arrays.copyOfRange(line, 1, line.length)), String.join(" ", line));
    }

    @Test
    void agreesWithPicocli() throws Exception {
        agrees("ls");
        agrees("ls", "--all", "--json", "--label", "demo");
        agrees("ls", "-a", "--label=demo");
        agrees("status", "web", "--json");
        agrees("logs", "web", "--tail", "5", "--stream", "stderr", "-f");
        agrees("logs", "--since", "100", "web");
        agrees("logs", "-n", "3", "--", "-web");
        agrees("logs");
        agrees("logs", "web", "api", "--grep", "GET /", "-t", "--prefix");
        agrees("logs", "--label", "demo", "-f");
        agrees("send", "web", "hello");
        agrees("send", "web", "--eof");
        agrees("send", "web", "-e", "--raw", "a\\tb");
        agrees("signal", "web", "HUP");
        agrees("stop", "web", "--grace", "2s", "--wait");
        agrees("stop", "web");
        agrees("wait", "web", "--timeout", "1m");
        agrees("resize", "web", "40x120");
        agrees("kill-older", "12h", "--json");
        agrees("events", "--follow", "--since", "7");
        agrees("purge");
        agrees("checkpoints", "--json");
        agrees("restore", "before", "--name", "again");
        agrees("restore", "--json", "sha256:3f1c0e9");
        agrees("gc");
    }

    /** The generated table names every verb as its annotation does, and parses every plain verb without picocli. */
    @Test
    void theGeneratedTableMatchesTheAnnotations() {
        for (Class<?> c : Main.SUBCOMMANDS) {
            assertEquals(c.getAnnotation(CommandLine.Command.class).name(), VerbTable.nameOf(c), c.getName());
        }
        for (String verb : QuickLine.PLAIN) {
            assertNotNull(VerbTable.spec(verb(verb)), verb + ": a plain verb needs fields the generated code can set");
        }
    }

    @Test
    void declinesWhatItDoesNotHandle() {
        declines("ls", "--bogus");
        declines("ls", "-aj");
        declines("ls", "--json=true");
        declines("ls", "--label");
        for (String verb : List.of("ls", "status", "logs", "send", "signal", "stop", "kill", "wait", "resize", "rm",
                "purge", "kill-older", "events")) {
            // help is picocli's: the fast path hands it back, whatever else the line holds
            declines(verb, "--help");
            declines(verb, "-h");
            declines(verb, "web", "--help");
        }
        declines("status");
        declines("status", "a", "b");
        declines("logs", "web", "--tail", "many");
        declines("signal", "web", "-9");
        declines("run", "--", "true");
        declines("exec", "--", "true");
        declines("daemon", "status");
        declines("checkpoint", "web"); // it has a verb of its own (rm): picocli tells them apart
        declines("restore");
    }
}
