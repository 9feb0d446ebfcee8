package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.core.Capabilities.Support;
import io.steward.core.FileActivity.Kind;
import io.steward.sys.Fanotify;
import io.steward.sys.Libc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes touching real files, seen through a filesystem mark: root only. */
class FileWatchTest {
    /** Everything other processes did under one directory; the mark also sees the rest of the host. */
    private static final class Under implements FileActivityListener {
        final String prefix;
        final List<FileActivity> seen = new ArrayList<>();
        int drains;

        Under(Path dir) {
            this.prefix = dir + "/";
        }

        @Override
        public boolean accepts(int pid) {
            return true;
        }

        @Override
        public void activity(FileActivity a) {
            if (a.path() != null && a.path().startsWith(prefix) || a.toPath() != null && a.toPath().startsWith(prefix)) {
                seen.add(a);
            }
        }

        List<FileActivity> of(Set<Integer> pids) {
            return seen.stream().filter(a -> pids.contains(a.pid())).toList();
        }

        boolean has(Predicate<FileActivity> p) {
            return seen.stream().anyMatch(p);
        }

        void drainUntil(FileWatch watch, Predicate<FileActivity> last) {
            Poll.until("file activity " + seen, () -> {
                Libc.poll(watch.fd(), Libc.POLLIN, 50);
                watch.drain(this);
                drains++;
                return has(last);
            });
        }
    }

    private static Path realTemp(Path tmp) throws Exception {
        assumeTrue(Libc.getuid() == 0, "a filesystem mark needs CAP_SYS_ADMIN: run as root");
        return tmp.toRealPath();
    }

    @Test
    void aChildsWriteRenameAndDeleteComeAsActivitiesOfItsPids(@TempDir Path tmp) throws Exception {
        Path dir = realTemp(tmp);
        Path pidFile = Files.createTempFile("filewatch-pids", ".txt");
        try (FileWatch watch = FileWatch.open()) {
            assertTrue(watch.watch(dir));
            assertFalse(watch.watch(dir.getParent()), "one mark per filesystem");
            Process sh = new ProcessBuilder("sh", "-c", "echo hello > a; mv a b & echo $! > " + pidFile
                    + "; wait; rm b & echo $! >> " + pidFile + "; wait").directory(dir.toFile()).start();
            assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, sh.exitValue());
            int[] children = Files.readAllLines(pidFile).stream().mapToInt(l -> Integer.parseInt(l.trim())).toArray();
            int shPid = (int) sh.pid();
            int mv = children[0];
            int rm = children[1];
            String a = dir + "/a";
            String b = dir + "/b";
            Under under = new Under(dir);
            under.drainUntil(watch, x -> x.kind() == Kind.DELETED && x.path().equals(b));

            List<FileActivity> tree = under.of(Set.of(shPid, mv, rm));
            List<String> summary = tree.stream()
                    .map(x -> x.kind().wire() + " " + x.pid() + " " + x.path() + (x.toPath() == null ? "" : " " + x.toPath()))
                    .toList();
            assertEquals(List.of("created " + shPid + " " + a, "opened " + shPid + " " + a, "written " + shPid + " " + a,
                    "moved " + mv + " " + a + " " + b, "deleted " + rm + " " + b), summary);
            assertTrue(tree.stream().allMatch(x -> x.at() != null));
            assertEquals(0, watch.overflows());
        } finally {
            Files.deleteIfExists(pidFile);
        }
    }

    @Test
    void withoutRenameEventsAMoveIsPairedFromItsTwoHalves(@TempDir Path tmp) throws Exception {
        Path dir = realTemp(tmp);
        Path away = Files.createDirectory(dir.resolve("away"));
        try (FileWatch watch = FileWatch.open()) {
            // The mask a kernel before 5.17 is left with: moved-from and moved-to, no FAN_RENAME.
            watch.watch(dir, (Fanotify.ACTIVITY & ~Fanotify.RENAME) | Fanotify.MOVED_FROM | Fanotify.MOVED_TO);
            Process sh = new ProcessBuilder("sh", "-c", "echo x > a; exec mv a away/b").directory(dir.toFile()).start();
            assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
            Under under = new Under(dir);
            String b = away + "/b";
            under.drainUntil(watch, x -> x.kind() == Kind.MOVED && b.equals(x.toPath()));
            List<FileActivity> moves = under.seen.stream().filter(x -> x.kind() == Kind.MOVED).toList();
            assertEquals(1, moves.size(), moves.toString());
            assertEquals(dir + "/a", moves.get(0).path());
            assertEquals((int) sh.pid(), moves.get(0).pid(), "exec keeps the pid");
        }
    }

    @Test
    void aModifyStormOfOneFileIsAHandfulOfActivities(@TempDir Path tmp) throws Exception {
        Path dir = realTemp(tmp);
        try (FileWatch watch = FileWatch.open()) {
            watch.watch(dir);
            // 10,000 appends by one shell: each reopens the file and writes it.
            Process sh = new ProcessBuilder("sh", "-c",
                    "i=0; while [ $i -lt 10000 ]; do echo x >> storm; i=$((i+1)); done; echo done > end")
                    .directory(dir.toFile()).start();
            Under under = new Under(dir);
            int delivered = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!under.has(x -> x.path().endsWith("/end") && x.kind() == Kind.WRITTEN)) {
                assertTrue(System.nanoTime() < deadline, "the storm did not end: " + under.seen.size());
                Libc.poll(watch.fd(), Libc.POLLIN, 50);
                delivered += watch.drain(under);
                under.drains++;
            }
            assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
            assertEquals(10_000 * 2, Files.size(dir.resolve("storm")));
            String storm = dir + "/storm";
            long written = under.seen.stream().filter(x -> x.path().equals(storm) && x.kind() == Kind.WRITTEN).count();
            long opened = under.seen.stream().filter(x -> x.path().equals(storm) && x.kind() == Kind.OPENED).count();
            System.out.println("modify storm: 10000 appends, " + under.drains + " drains, " + delivered
                    + " activities delivered (all pids), " + written + " written and " + opened + " opened of the file");
            assertTrue(written >= 1 && written <= under.drains, written + " written in " + under.drains + " drains");
            assertTrue(opened <= under.drains, opened + " opened in " + under.drains + " drains");
            assertEquals(0, watch.overflows());
        }
    }

    @Test
    void whatThisProcessDoesItselfIsNotReported(@TempDir Path tmp) throws Exception {
        Path dir = realTemp(tmp);
        try (FileWatch watch = FileWatch.open()) {
            watch.watch(dir);
            Files.writeString(dir.resolve("mine"), "by the watcher itself");
            Process sh = new ProcessBuilder("sh", "-c", "echo theirs > theirs").directory(dir.toFile()).start();
            assertTrue(sh.waitFor(30, TimeUnit.SECONDS));
            Under under = new Under(dir);
            under.drainUntil(watch, x -> x.path().endsWith("/theirs") && x.kind() == Kind.WRITTEN);
            assertFalse(under.has(x -> x.path().endsWith("/mine")), under.seen.toString());
            assertFalse(under.has(x -> x.pid() == Libc.getpid()));
        }
    }

    @Test
    void pidsTheListenerDoesNotWantAreNeverDelivered(@TempDir Path tmp) throws Exception {
        Path dir = realTemp(tmp);
        try (FileWatch watch = FileWatch.open()) {
            watch.watch(dir);
            Process unwanted = new ProcessBuilder("sh", "-c", "echo x > one").directory(dir.toFile()).start();
            assertTrue(unwanted.waitFor(30, TimeUnit.SECONDS));
            Process wanted = new ProcessBuilder("sh", "-c", "echo z > two").directory(dir.toFile()).start();
            assertTrue(wanted.waitFor(30, TimeUnit.SECONDS));
            int unwantedPid = (int) unwanted.pid();
            int wantedPid = (int) wanted.pid();
            List<FileActivity> got = new ArrayList<>();
            FileActivityListener onlyWanted = new FileActivityListener() {
                @Override
                public boolean accepts(int pid) {
                    return pid == wantedPid;
                }

                @Override
                public void activity(FileActivity a) {
                    got.add(a);
                }
            };
            // The queue keeps the order: by the time "two" is written, "one" was read and passed over.
            Poll.until("two written", () -> {
                Libc.poll(watch.fd(), Libc.POLLIN, 50);
                watch.drain(onlyWanted);
                return got.stream().anyMatch(x -> x.kind() == Kind.WRITTEN && x.path().equals(dir + "/two"));
            });
            assertTrue(got.stream().allMatch(x -> x.pid() == wantedPid), got.toString());
            assertFalse(got.stream().anyMatch(x -> x.pid() == unwantedPid || x.path().endsWith("/one")));
        }
    }

    @Test
    void theProbeSaysSupportedAsRootAndPartialWithTheReasonOtherwise() throws Exception {
        assumeTrue(Libc.getuid() == 0, "the comparison needs root, to drop it");
        Capabilities.Capability root = FileWatch.probe();
        assertEquals(Support.SUPPORTED, root.support());
        assertEquals("fanotify", root.backend());
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        Process child = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                ProcessHandle.current().info().command().orElseThrow(), "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=/tmp", "-cp", classDirectories(), FileWatchProbeMain.class.getName())
                .redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not finish");
        String output = new String(child.getInputStream().readAllBytes()).trim();
        assertTrue(output.startsWith("partial /proc-io "), output);
        assertTrue(output.endsWith("fanotify needs CAP_SYS_ADMIN: fanotify_mark(/tmp): EPERM")
                || output.endsWith("fanotify needs CAP_SYS_ADMIN: fanotify_init: EPERM"), output);
    }

    /** The build's own class directories and jars: the child needs nothing more, and nobody cannot read the dependency cache. */
    private static String classDirectories() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.endsWith("classes") || java.nio.file.Path.of(e).getParent().endsWith("target"))
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }
}
