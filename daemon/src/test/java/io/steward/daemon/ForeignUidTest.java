package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.api.HeartbeatEvent;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.client.UnixHttp;
import io.steward.sys.Libc;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client running as another uid gets nowhere: the socket's permissions stop it at connect(),
 * and a daemon whose socket it could reach refuses it by the kernel's word on the peer
 * (SO_PEERCRED) with {@code forbidden}, and audits the refusal. Needs root (to switch uid with
 * util-linux {@code setpriv}); skipped otherwise.
 */
class ForeignUidTest extends DaemonFixture {
    private static final int NOBODY = 65534;
    private static final String SETPRIV = "setpriv";

    private final List<Path> scratch = new ArrayList<>();
    private Process foreignDaemon;

    @BeforeEach
    void needRootAndSetpriv() throws Exception {
        assumeTrue(Libc.getuid() == 0, "switching to uid " + NOBODY + " needs root; running as uid " + Libc.getuid());
        assumeTrue(exec(List.of(SETPRIV, "--version"), Duration.ofSeconds(10)).code() == 0,
                "util-linux setpriv is not installed");
        Result java = exec(asNobody(List.of(javaBinary(), "-version")), Duration.ofSeconds(30));
        assumeTrue(java.code() == 0, "the JDK at " + javaBinary() + " is not usable by uid " + NOBODY + ": " + java.output());
    }

    @AfterEach
    void cleanUp() throws Exception {
        try {
            if (foreignDaemon != null) {
                List<ProcessHandle> children = foreignDaemon.descendants().toList();
                foreignDaemon.destroy();
                if (!foreignDaemon.waitFor(15, TimeUnit.SECONDS)) {
                    foreignDaemon.destroyForcibly();
                    foreignDaemon.waitFor(10, TimeUnit.SECONDS);
                }
                for (ProcessHandle c : children) {
                    c.destroyForcibly();
                }
                assertTrue(!foreignDaemon.isAlive(), "the daemon running as uid " + NOBODY + " is gone");
            }
        } finally {
            for (Path p : scratch) {
                deleteTree(p);
            }
        }
    }

    @Test
    void anotherUidCannotReachTheSocket() throws Exception {
        Path socket = stewardHome.socket();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        assertEquals(200, client.raw("GET", "/v1/health", null, null).status(), "the owner gets through");

        // A tiny client as uid 65534: connect() itself is refused with EACCES.
        Path dir = scratchDir("steward-probe");
        Path probe = dir.resolve("Probe.java");
        Files.writeString(probe, """
                import java.net.*;
                import java.nio.channels.SocketChannel;
                public class Probe {
                    public static void main(String[] a) throws Exception {
                        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                            ch.connect(UnixDomainSocketAddress.of(a[0]));
                            System.out.println("connected");
                        } catch (java.io.IOException e) {
                            System.out.println("refused: " + e.getMessage());
                            System.exit(3);
                        }
                    }
                }
                """);
        worldReadable(dir);
        Result r = exec(asNobody(List.of(javaBinary(), probe.toString(), socket.toString())), Duration.ofSeconds(60));
        assertEquals(3, r.code(), r.output());
        assertTrue(r.output().contains("refused: Permission denied"), r.output());

        if (exec(List.of("curl", "--version"), Duration.ofSeconds(10)).code() == 0) {
            Result curl = exec(asNobody(List.of("curl", "-sS", "--max-time", "10", "--unix-socket", socket.toString(),
                    "http://l/v1/health")), Duration.ofSeconds(30));
            assertEquals(7, curl.code(), "curl as uid " + NOBODY + " must fail to connect: " + curl.output());
        }
        String audit = Files.exists(home.resolve("audit.log")) ? Files.readString(home.resolve("audit.log")) : "";
        assertTrue(!audit.contains("\"uid\":" + NOBODY), "nothing from uid " + NOBODY + " reached the daemon: " + audit);
    }

    @Test
    void aDaemonOfAnotherUidRefusesUsByPeerCredentialsAndAuditsIt() throws Exception {
        Path cp = copyClasspathForNobody();
        Path foreignHome = scratchDir("steward-foreign");
        Files.setAttribute(foreignHome, "unix:uid", NOBODY);
        Files.setAttribute(foreignHome, "unix:gid", NOBODY);
        Files.setPosixFilePermissions(foreignHome, PosixFilePermissions.fromString("rwx------"));
        Path logDir = scratchDir("steward-foreign-log");
        Path log = logDir.resolve("daemon.log");
        Path socket = foreignHome.resolve("steward.sock");

        ProcessBuilder pb = new ProcessBuilder(asNobody(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-Duser.home=" + foreignHome, "-cp", cp.toString(), DaemonMain.class.getName())));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
        pb.environment().put("HOME", foreignHome.toString());
        pb.environment().put("STEWARD_HOME", foreignHome.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        foreignDaemon = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!DaemonMain.answering(socket)) {
            if (!foreignDaemon.isAlive()) {
                throw new AssertionError("the daemon as uid " + NOBODY + " exited with " + foreignDaemon.exitValue()
                        + ":\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the daemon as uid " + NOBODY + " never answered:\n" + Files.readString(log));
            }
            foreignDaemon.waitFor(20, TimeUnit.MILLISECONDS);
        }
        assertEquals(NOBODY, uidOf(foreignDaemon.pid()), "the daemon really runs as uid " + NOBODY);
        assertEquals(NOBODY, (Integer) Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS));

        // Root passes the file permissions, so the daemon itself must refuse us.
        UnixHttp http = new UnixHttp(socket);
        UnixHttp.Response health = http.send("GET", "/v1/health", null, null);
        assertForbidden(health);
        UnixHttp.Response runAttempt = http.send("POST", "/v1/sessions", "application/json",
                Json.write(Json.object("argv", List.of("sleep", "600"))).getBytes(StandardCharsets.UTF_8));
        assertForbidden(runAttempt);
        WsWire.Reply attach = WsWire.exchange(socket, "GET /v1/sessions/abcdefgh/attach HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", null, Duration.ofSeconds(10));
        assertEquals(403, attach.status(), attach.text());
        assertEquals("forbidden", Json.parseObject(attach.text()).get("code"));
        assertEquals(0L, foreignDaemon.descendants().count(), "a refused run starts nothing");

        Path audit = foreignHome.resolve("audit.log");
        poll("the refusals in the audit log", () -> forbiddenLines(audit).size() >= 3);
        List<Map<String, Object>> lines = forbiddenLines(audit);
        assertTrue(lines.stream().anyMatch(m -> "GET /v1/health".equals(m.get("action"))), lines.toString());
        assertTrue(lines.stream().anyMatch(m -> "POST /v1/sessions".equals(m.get("action"))), lines.toString());
        for (Map<String, Object> m : lines) {
            assertEquals(0L, m.get("uid"), "the audit names the refused uid: " + m);
            assertEquals(ProcessHandle.current().pid(), m.get("pid"), "and the refused client's pid: " + m);
        }
    }

    @Test
    void beatsAndNotifyMessagesFromAnotherUidInTheTreeAreRefusedAndCounted() throws Exception {
        Path cp = copyClasspathForNobody();
        String nobody = String.join(" ", asNobody(List.of()));
        String id = run("argv", List.of("sh", "-c", "echo \"$STEWARD_BEAT_SOCKET $NOTIFY_SOCKET\"; read go; "
                + nobody + " timeout 10 systemd-notify --ready --status=other-uid; exec " + nobody + " " + javaBinary()
                + " -cp " + cp + " --enable-native-access=ALL-UNNAMED " + BeatingChild.class.getName() + " 1000 50"),
                "notify", true, "stallAfterMs", 60_000L).id();
        poll("the session's sockets", () -> text(id).contains("\n"));
        // The daemon is root here, so its sockets are opened to the other uid, as root passes any
        // user's file permissions: the kernel's word on the sender's uid is what refuses it.
        for (String socket : text(id).trim().split(" ")) {
            openTo(Path.of(socket));
        }
        client.sessions().send(id, "go\n".getBytes(StandardCharsets.UTF_8), false);
        // Its notify message first, then beats: six datagrams judged one way or the other.
        poll("datagrams from uid " + NOBODY + " judged", () -> metricOrZero("steward_beat_drops_total{reason=\"foreign-uid\"}")
                + metric("steward_beats_total{origin=\"kernel-attested\"}") + metric("steward_notify_messages_total") >= 6);
        assertEquals(0, metric("steward_beats_total{origin=\"kernel-attested\"}"), "beats of another uid were accepted");
        assertEquals(0, metric("steward_notify_messages_total"), "notify messages of another uid were accepted");
        SessionInfo.Heartbeat s = client.sessions().get(id).heartbeat();
        assertEquals(false, s.ready());
        assertEquals(null, s.status());
        assertEquals(null, s.lastBeatAge());
        HeartbeatEvent.AuthFailure refused = event(HeartbeatEvent.AuthFailure.class, id);
        assertEquals(NOBODY, refused.senderUid().intValue(), refused.toString());
    }

    /** Lets another uid reach {@code socket}: search on every directory from the home down, write on it. */
    private void openTo(Path socket) throws IOException {
        for (Path d = socket.getParent(); d.startsWith(home); d = d.getParent()) {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
    }

    private long metricOrZero(String sample) {
        try {
            return metric(sample);
        } catch (AssertionError e) {
            return 0;
        }
    }

    private static void assertForbidden(UnixHttp.Response r) {
        assertEquals(403, r.status(), r.text());
        assertTrue(r.headers().getOrDefault("content-type", "").startsWith("application/problem+json"), r.headers().toString());
        assertEquals("forbidden", Json.parseObject(r.text()).get("code"));
    }

    private static List<Map<String, Object>> forbiddenLines(Path audit) {
        try {
            if (!Files.exists(audit)) {
                return List.of();
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (String line : Files.readAllLines(audit)) {
                if (!line.isBlank()) {
                    Map<String, Object> m = Json.parseObject(line);
                    if ("forbidden".equals(m.get("result"))) {
                        out.add(m);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int uidOf(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]); // the effective uid
            }
        }
        throw new AssertionError("no Uid line for pid " + pid);
    }

    /** The test's class path copied where uid 65534 can read it (a build's jars usually sit under root's home). */
    private Path copyClasspathForNobody() throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path dir = scratchDir("steward-cp");
        List<String> entries = new ArrayList<>();
        int i = 0;
        for (String entry : classpath.split(File.pathSeparator)) {
            Path from = Path.of(entry);
            if (entry.isBlank() || !Files.exists(from)) {
                continue;
            }
            Path to = dir.resolve((i++) + "-" + from.getFileName());
            if (Files.isDirectory(from)) {
                try (Stream<Path> walk = Files.walk(from)) {
                    for (Path p : (Iterable<Path>) walk::iterator) {
                        Path target = to.resolve(from.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(target);
                        } else {
                            Files.copy(p, target);
                        }
                    }
                }
            } else {
                Files.copy(from, to);
            }
            entries.add(to.toString());
        }
        worldReadable(dir);
        return Path.of(String.join(File.pathSeparator, entries));
    }

    private Path scratchDir(String prefix) throws IOException {
        Path p = Files.createTempDirectory(prefix);
        scratch.add(p);
        return p;
    }

    private static void worldReadable(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x"
                        : "rw-r--r--"));
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> asNobody(List<String> command) {
        List<String> c = new ArrayList<>(List.of(SETPRIV, "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        c.addAll(command);
        return c;
    }

    record Result(int code, String output) {}

    /** Runs a command to completion (output merged), killing it if it overruns. */
    private static Result exec(List<String> command, Duration timeout) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.toString());
        }
        try (var out = p.getInputStream()) {
            var collected = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    collected.complete(new String(out.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    collected.complete(e.toString());
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                throw new AssertionError(command + " did not finish within " + timeout);
            }
            return new Result(p.exitValue(), collected.get(10, TimeUnit.SECONDS));
        }
    }
}
