package io.steward.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a user's steward keeps its state and socket: {@code STEWARD_HOME}, else
 * {@code $XDG_STATE_HOME/steward}, else {@code ~/.local/state/steward}; the socket is
 * {@code steward.sock} inside it unless {@code STEWARD_SOCKET} names another path.
 */
public record StewardHome(Path dir, Path socket) {
    public static final String SOCKET_NAME = "steward.sock";
    /** The file a daemon holds an {@code flock} on for its whole life: one daemon per home. */
    public static final String LOCK_NAME = "daemon.lock";

    public static StewardHome fromEnvironment() {
        return from(System.getenv(), System.getProperty("user.home"));
    }

    static StewardHome from(Map<String, String> env, String userHome) {
        Path dir;
        String home = env.get("STEWARD_HOME");
        String xdg = env.get("XDG_STATE_HOME");
        if (home != null && !home.isBlank()) {
            dir = Path.of(home);
        } else if (xdg != null && !xdg.isBlank()) {
            dir = Path.of(xdg, "steward");
        } else {
            dir = Path.of(userHome, ".local", "state", "steward");
        }
        dir = dir.toAbsolutePath().normalize();
        String socket = env.get("STEWARD_SOCKET");
        return new StewardHome(dir, socket != null && !socket.isBlank()
                ? Path.of(socket).toAbsolutePath().normalize() : dir.resolve(SOCKET_NAME));
    }

    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The daemon's lock file (see {@link #LOCK_NAME}). */
    public Path lock() {
        return dir.resolve(LOCK_NAME);
    }
}
