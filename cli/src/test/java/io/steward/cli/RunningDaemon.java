package io.steward.cli;

import io.steward.api.Json;
import io.steward.api.RunRequestBody;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A daemon of our own in a private STEWARD_HOME, started as a user would and stopped with all its sessions. */
final class RunningDaemon implements AutoCloseable {
    final Path home;
    final Map<String, String> env;
    final StewardClient client;
    private final long pid;
    private boolean closed;

    private RunningDaemon(Path home, Map<String, String> env, long pid) {
        this.home = home;
        this.env = env;
        this.client = new StewardClient(new StewardHome(home, home.resolve(StewardHome.SOCKET_NAME)));
        this.pid = pid;
    }

    static RunningDaemon start(Path home) throws Exception {
        return start(home, Map.of());
    }

    /** As {@link #start(Path)}, the daemon (and every command) with {@code extra} in its environment too. */
    static RunningDaemon start(Path home, Map<String, String> extra) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(extra);
        env.put("STEWARD_HOME", home.toString());
        Cli.Result started = Cli.runWith(env, null, "daemon", "start", "--json");
        if (started.code() != 0) {
            throw new AssertionError("daemon start: " + started.err());
        }
        return new RunningDaemon(home, Map.copyOf(env), ((Number) Json.parseObject(started.out()).get("pid")).longValue());
    }

    long pid() {
        return pid;
    }

    /** Starts a session and returns its id. */
    String run(Object... options) {
        return client.sessions().run(RunRequestBody.fromJson(Json.object(options))).id();
    }

    /** SIGKILL: the daemon vanishes without closing anything. */
    void kill() throws InterruptedException {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Cli.poll("daemon " + pid + " killed", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    /** The session as the daemon describes it, in its JSON form. */
    Map<String, Object> session(String id) {
        return client.sessions().get(id).toJson();
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return; // killed by the test
            }
            client.daemon().stopDaemon(Duration.ofSeconds(1));
            Cli.poll("daemon " + pid + " gone", () -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
