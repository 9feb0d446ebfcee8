package io.steward.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where {@code steward run} is called from: its working directory and environment, which a session
 * gets as a command typed in a shell would. What only made sense for the caller's own supervision
 * is left out: the sockets and tags a session of steward (or of systemd) was given are the
 * caller's, and a new session gets its own, or none.
 */
final class CallerWorld {
    /** Variables that tie a process to its own supervisor; a session that kept them would speak for the caller. */
    static final Set<String> NOT_PASSED = Set.of("STEWARD_ORIGINATOR", "STEWARD_BEAT_SOCKET", "NOTIFY_SOCKET",
            "WATCHDOG_USEC", "WATCHDOG_PID", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES");

    private CallerWorld() {}

    /** Our working directory, absolute. */
    static Path cwd() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath();
    }

    /** {@code dir} as the caller means it: a relative one is under our working directory. */
    static String directory(String dir) {
        return cwd().resolve(dir).normalize().toString();
    }

    /** Our environment, in a stable order, without {@link #NOT_PASSED}. */
    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().entrySet().stream()
                .filter(e -> !NOT_PASSED.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> env.put(e.getKey(), e.getValue()));
        return env;
    }
}
