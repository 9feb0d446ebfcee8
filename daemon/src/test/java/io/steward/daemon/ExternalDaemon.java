package io.steward.daemon;

import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A daemon in a JVM of its own, for tests that must do to the daemon what cannot be done to the
 * test's own JVM (stop it with SIGSTOP). Its home is a fresh 0700 temporary directory; closing
 * stops the daemon (and so every session), kills it if it will not go, and removes the home.
 */
final class ExternalDaemon implements AutoCloseable {
    final Path home;
    final StewardHome stewardHome;
    final StewardClient client;
    private final Process process;

    private ExternalDaemon(Path home, Process process) {
        this.home = home;
        this.stewardHome = new StewardHome(home, home.resolve("steward.sock"));
        this.process = process;
        this.client = new StewardClient(stewardHome);
    }

    static ExternalDaemon start() throws Exception {
        return start(java.util.Map.of());
    }

    /** A daemon whose environment has {@code env} besides this JVM's. */
    static ExternalDaemon start(java.util.Map<String, String> env) throws Exception {
        return start(env, Files.createTempDirectory("steward-ext", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))));
    }

    /** A daemon in {@code home}, a home another daemon of the test may have left (killed). */
    static ExternalDaemon start(java.util.Map<String, String> env, Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(), "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED", "-cp", classPath(), DaemonMain.class.getName());
        pb.environment().put("STEWARD_HOME", home.toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("daemon.log").toFile()));
        Process p = pb.start();
        ExternalDaemon d = new ExternalDaemon(home, p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!DaemonMain.answering(d.stewardHome.socket())) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(home.resolve("daemon.log"));
                d.close();
                throw new AssertionError("the daemon never answered:\n" + log);
            }
            p.waitFor(20, TimeUnit.MILLISECONDS);
        }
        return d;
    }

    int pid() {
        return (int) process.pid();
    }

    @Override
    public void close() throws Exception {
        try {
            if (process.isAlive()) {
                io.steward.sys.Libc.kill(pid(), io.steward.sys.Signal.CONT.number());
                List<ProcessHandle> children = process.descendants().toList();
                try {
                    client.daemon().stopDaemon(Duration.ofSeconds(2));
                } catch (RuntimeException e) {
                    process.destroy();
                }
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
                for (ProcessHandle c : children) {
                    c.destroyForcibly();
                }
            }
        } finally {
            deleteTree(home);
        }
    }

    /** The java binary of this JVM, which every child of the tests runs with. */
    static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
