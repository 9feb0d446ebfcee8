package io.steward.api;

import static io.steward.api.JsonFields.number;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a session run with {@code --observe} did: its processes' forks, execs and exits, and, as
 * categories of their own, its files and its network. Each names the session by id and name.
 */
public sealed interface ObservedEvent extends Event {
    String session();

    String name();

    /** A process of the tree forked a child, which is a member from then on. */
    record Forked(long seq, Instant at, String session, String name, long pid, long ppid) implements ObservedEvent {
        @Override
        public String type() {
            return "forked";
        }

        @Override
        public String category() {
            return "process";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "ppid", ppid);
        }
    }

    /**
     * A process of the tree exec'd a program.
     *
     * @param argv its command line as far as it could still be read (empty once it is gone)
     * @param comm the program's name as the kernel keeps it until the process is reaped, or null
     */
    record Exec(long seq, Instant at, String session, String name, long pid, List<String> argv, String comm)
            implements ObservedEvent {
        @Override
        public String type() {
            return "exec";
        }

        @Override
        public String category() {
            return "process";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "argv", argv, "comm", comm);
        }
    }

    /** A process of the tree ended: exactly one of exitCode and signal is set. */
    record ProcessExited(long seq, Instant at, String session, String name, long pid, long ppid, Integer exitCode,
            String signal) implements ObservedEvent {
        @Override
        public String type() {
            return "process-exited";
        }

        @Override
        public String category() {
            return "process";
        }

        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "pid", pid, "ppid", ppid,
                    "exitCode", number(exitCode), "signal", signal);
        }
    }

    /**
     * A process of the tree touched a file.
     *
     * @param type {@code opened}, {@code written}, {@code created}, {@code deleted} or {@code moved}
     * @param toPath a move's new path; null otherwise
     */
    record File(long seq, Instant at, String type, String session, String name, long pid, String path,
            String toPath) implements ObservedEvent {
        @Override
        public String category() {
            return "file";
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = EventJson.write(this, "session", session, "name", name, "pid", pid, "path", path);
            EventJson.putPresent(m, "toPath", toPath);
            return m;
        }
    }

    /**
     * A socket of the tree: {@code listening}, {@code connected}, or {@code closed} with the final
     * byte counts of a TCP connection (null for UDP).
     *
     * @param pid the process holding it (for a connection closed after its holder ended, the
     *     holder of the listening socket it was accepted on)
     */
    record Socket(long seq, Instant at, String type, String session, String name, long pid, String protocol,
            String family, String local, String remote, Long bytesIn, Long bytesOut) implements ObservedEvent {
        @Override
        public String category() {
            return "network";
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> m = EventJson.write(this, "session", session, "name", name, "pid", pid,
                    "protocol", protocol, "family", family, "local", local, "remote", remote);
            EventJson.putPresent(m, "bytesIn", bytesIn);
            EventJson.putPresent(m, "bytesOut", bytesOut);
            return m;
        }
    }

    /**
     * Events of a category were not published: {@code suppressed} by the session's rate limit
     * (session set), or {@code lost} by the kernel (a queue overflow; session null).
     */
    record Missed(long seq, Instant at, String type, String category, String session, String name, long events)
            implements ObservedEvent {
        @Override
        public Map<String, Object> toJson() {
            return EventJson.write(this, "session", session, "name", name, "events", events);
        }
    }
}
