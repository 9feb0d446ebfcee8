package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code run --observe}, {@code tree}, {@code observe} and {@code events --category} from the command line. */
class ObserveCommandTest extends WithDaemon {
    @Test
    void theTreeItsProcessEventsAndTheCategoriesOfTheStream() throws Exception {
        String id = ok("run", "--name", "obs", "--observe", "process", "--", "sh", "-c",
                "/bin/true; (setsid sleep 60 &); exec sleep 60").strip();
        Cli.poll("two processes in the tree", () -> {
            try {
                return ok("tree", id).lines().count() == 4; // the header, two processes and their sums
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        List<String> tree = ok("tree", "obs").lines().toList();
        assertEquals(List.of("PID", "CPU", "MEM", "READ", "WRITE", "FILES", "COMMAND"),
                List.of(tree.getFirst().trim().split("\\s+")));
        assertTrue(tree.get(1).endsWith("sleep 60"), tree.toString());
        assertTrue(tree.get(2).endsWith("└─ sleep 60  (own session)"), tree.toString());
        assertTrue(tree.get(3).endsWith("(the whole tree)"), tree.toString());

        Cli.poll("the exec of true", () -> {
            try {
                return ok("observe", "obs").lines().anyMatch(l -> l.matches("\\S+ exec +\\d+ (/bin/true|\\[true\\]|\\[\\?\\])"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String processes = ok("events", "--category", "process");
        assertTrue(processes.lines().allMatch(l -> l.contains("\"category\":\"process\"")), processes);
        String life = ok("events", "--category", "lifecycle,daemon");
        assertTrue(life.contains("\"type\":\"started\"") && !life.contains("\"category\":\"process\""), life);
        Cli.Result bad = steward("events", "--category", "proces");
        assertEquals(2, bad.code(), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());
        Cli.Result none = steward("observe", "nosuch");
        assertEquals(3, none.code(), none.err());
        assertTrue(none.err().startsWith("steward: no session 'nosuch'"), none.err());
        ok("stop", "obs", "--wait");
    }
}
