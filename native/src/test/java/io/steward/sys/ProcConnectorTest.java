package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcConnectorTest {
    private record Seen(int what, int pid, int parent, int exitCode) {}

    @Test
    void aChildsForkExecAndExitArriveInOrderWithItsStatus() throws Exception {
        try (ProcConnector c = ProcConnector.open(0)) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "/bin/true; exit 7").start();
            int shell = (int) p.pid();
            assertEquals(7, p.waitFor());
            List<Seen> mine = new ArrayList<>();
            ProcEvent e = new ProcEvent();
            long deadline = System.nanoTime() + 5_000_000_000L;
            int lost = 0;
            // The shell's fork of /bin/true, the child's exec and exit, then the shell's own exit.
            while (System.nanoTime() < deadline && mine.stream().noneMatch(s -> s.what == ProcConnector.EXIT
                    && s.pid == shell)) {
                int r = c.read(e);
                if (r < 0) {
                    lost++;
                    continue;
                }
                if (r == 0) {
                    Libc.poll(c.fd(), Libc.POLLIN, 100);
                    continue;
                }
                if (!e.ofProcess()) {
                    continue;
                }
                boolean ours = e.pid == shell || (e.what == ProcConnector.FORK && e.parentTgid == shell)
                        || mine.stream().anyMatch(s -> s.what == ProcConnector.FORK && s.pid == e.pid);
                if (ours) {
                    mine.add(new Seen(e.what, e.pid, e.parentTgid, e.exitCode));
                }
                assertTrue(e.timestampNanos > 0);
            }
            assertEquals(0, lost, "nothing lost at this rate");
            Seen fork = mine.stream().filter(s -> s.what == ProcConnector.FORK && s.parent == shell).findFirst()
                    .orElseThrow();
            int child = fork.pid;
            assertTrue(mine.stream().anyMatch(s -> s.what == ProcConnector.EXEC && s.pid == child), mine.toString());
            Seen childExit = mine.stream().filter(s -> s.what == ProcConnector.EXIT && s.pid == child)
                    .findFirst().orElseThrow();
            assertEquals(0, childExit.exitCode);
            assertEquals(shell, childExit.parent);
            Seen shellExit = mine.stream().filter(s -> s.what == ProcConnector.EXIT && s.pid == shell)
                    .findFirst().orElseThrow();
            assertEquals(7 << 8, shellExit.exitCode);
            assertTrue(mine.indexOf(fork) < mine.indexOf(childExit));
        }
    }
}
