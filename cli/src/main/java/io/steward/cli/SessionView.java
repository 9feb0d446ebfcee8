package io.steward.cli;

import io.steward.api.Durations;
import java.time.Duration;
import java.util.Map;

/** A session's JSON as a person reads it: short id, state with code or signal, sizes and ages. */
final class SessionView {
    static final int SHORT_ID = 8;

    private SessionView() {}

    static String shortId(Map<String, Object> s) {
        String id = (String) s.get("id");
        return id.length() > SHORT_ID ? id.substring(0, SHORT_ID) : id;
    }

    /** {@code running}, {@code stopping}, {@code exited 0}, {@code killed TERM}. */
    static String state(Map<String, Object> s) {
        if ("running".equals(s.get("phase"))) {
            if (Boolean.TRUE.equals(s.get("stopping"))) {
                return "stopping";
            }
            if (Boolean.TRUE.equals(s.get("stalled"))) {
                return "stalled";
            }
            if (Boolean.TRUE.equals(s.get("blocked"))) {
                return "blocked";
            }
            return Boolean.FALSE.equals(s.get("ready")) ? "starting" : "running";
        }
        if ("errored".equals(s.get("phase"))) {
            return "errored";
        }
        if (Boolean.TRUE.equals(s.get("restartPending"))) {
            return "restarting";
        }
        if (s.get("signal") instanceof String sig) {
            return "killed " + sig;
        }
        return "exited " + s.get("exitCode");
    }

    /** How the process before a restart ended ({@code exited 3}, {@code killed TERM}), or "-". */
    static String lastExit(Map<String, Object> s) {
        if (!(s.get("lastExit") instanceof Map<?, ?> last)) {
            return "-";
        }
        return last.get("signal") != null ? "killed " + last.get("signal") : "exited " + last.get("exitCode");
    }

    /** The sd_notify STATUS= text, cut to fit a table row; "-" for none. */
    static String status(Map<String, Object> s) {
        if (!(s.get("status") instanceof String text) || text.isEmpty()) {
            return "-";
        }
        String line = text.replaceAll("\\s+", " ");
        return line.length() > 40 ? line.substring(0, 39) + "…" : line;
    }

    /** Whether a writer is attached, and how many read-only clients watch: {@code yes}, {@code no, 2 watching}. */
    static String attached(Map<String, Object> s) {
        long watchers = s.get("watchers") instanceof Number n ? n.longValue() : 0;
        String writer = Boolean.TRUE.equals(s.get("attached")) ? "yes" : "no";
        return watchers == 0 ? writer : writer + ", " + watchers + " watching";
    }

    static String kind(Map<String, Object> s) {
        return String.valueOf(s.get("kind"));
    }

    static String age(Map<String, Object> s) {
        return millis(s.get("ageMs"));
    }

    static String millis(Object ms) {
        if (!(ms instanceof Number n)) {
            return "-";
        }
        long v = n.longValue();
        return v < 1000 ? v + "ms" : Durations.format(Duration.ofMillis(v / 1000 * 1000));
    }

    /** Bytes as B, K, M or G with one decimal where it helps. */
    static String bytes(Object b) {
        if (!(b instanceof Number n)) {
            return "-";
        }
        double v = n.doubleValue();
        String[] units = {"B", "K", "M", "G", "T"};
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? (long) v + "B" : (v < 10 ? String.format("%.1f%s", v, units[u]) : Math.round(v) + units[u]);
    }

    static String text(Object o) {
        return o == null ? "-" : o.toString();
    }

    /** The command line, shell-like, for people. */
    static String command(Map<String, Object> s) {
        if (!(s.get("argv") instanceof java.util.List<?> argv)) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (Object a : argv) {
            String arg = String.valueOf(a);
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(arg.isEmpty() || arg.matches(".*[\\s'\"\\\\$`!*?;&|<>(){}].*")
                    ? "'" + arg.replace("'", "'\\''") + "'" : arg);
        }
        return b.toString();
    }
}
