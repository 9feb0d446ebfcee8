package io.steward.e2e;

import io.steward.api.Json;
import io.steward.api.StewardHome;
import io.steward.cli.Main;
import io.steward.client.StewardClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A daemon of our own in a private STEWARD_HOME, started as a user would ({@code steward daemon start
 * --ui 127.0.0.1:0}), with its dashboard's address and token; stopped with all its sessions.
 */
final class Steward implements AutoCloseable {
    record Result(int code, String out, String err) {}

    final Path home;
    final StewardClient client;
    /** The page's address with the token, as {@code steward ui} prints it. */
    final String link;
    /** The page's address without it. */
    final String url;
    private final long pid;

    private Steward(Path home, long pid) {
        this.home = home;
        this.pid = pid;
        this.client = new StewardClient(new StewardHome(home, home.resolve(StewardHome.SOCKET_NAME)));
        io.steward.api.UiInfo ui = client.daemon().ui();
        this.link = ui.link();
        this.url = ui.url();
    }

    static Steward start(Path home) throws IOException, InterruptedException {
        Result started = run(home, "daemon", "start", "--json", "--ui", "127.0.0.1:0");
        if (started.code() != 0) {
            throw new AssertionError("daemon start: " + started.err());
        }
        return new Steward(home, ((Number) Json.parseObject(started.out()).get("pid")).longValue());
    }

    /** The CLI, in a JVM of its own as a user runs it, against this daemon. */
    Result steward(String... args) throws IOException, InterruptedException {
        return run(home, args);
    }

    private static Result run(Path home, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("steward-out", ".txt");
        Path err = Files.createTempFile("steward-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(Map.of("STEWARD_HOME", home.toString(),
                    // a sample of each session's CPU and memory every second, not every ten: the charts fill in a test's time
                    "JAVA_TOOL_OPTIONS", "-Dsteward.samplePeriodMs=1000"));
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("steward " + String.join(" ", args) + " did not finish");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Starts a session through the client; answers its id. */
    String run(Object... options) {
        return client.sessions().run(io.steward.api.RunRequestBody.fromJson(Json.object(options))).id();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                client.daemon().stopDaemon(Duration.ZERO);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
                    ProcessHandle.of(pid).ifPresent(h -> h.onExit().completeOnTimeout(h, 100, TimeUnit.MILLISECONDS).join());
                }
            }
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
