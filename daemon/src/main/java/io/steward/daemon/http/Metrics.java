package io.steward.daemon.http;

import io.steward.api.ErrorCode;
import io.steward.core.TreeUsage;
import io.steward.daemon.session.Session;
import io.steward.daemon.supervision.Checkpoints;
import io.steward.daemon.supervision.Sessions;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Prometheus text metrics; every label is present from the start, at zero. */
final class Metrics {
    private final LongAdder requests = new LongAdder();
    private final Map<ErrorCode, LongAdder> errors = new EnumMap<>(ErrorCode.class);
    private final AtomicLong attachDropped = new AtomicLong();
    /** Requests the dashboard's listener refused, by {@link UiGate.Refusal}; not handed over, as the listener is not. */
    private final Map<UiGate.Refusal, LongAdder> uiRefused = new EnumMap<>(UiGate.Refusal.class);

    Metrics() {
        for (ErrorCode c : ErrorCode.values()) {
            errors.put(c, new LongAdder());
        }
        for (UiGate.Refusal r : UiGate.Refusal.values()) {
            uiRefused.put(r, new LongAdder());
        }
    }

    /** The counters, for a daemon that takes over: they go on, never back to zero. */
    void handOver(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeLong(requests.sum());
        out.writeInt(errors.size());
        for (Map.Entry<ErrorCode, LongAdder> e : errors.entrySet()) {
            out.writeUTF(e.getKey().name());
            out.writeLong(e.getValue().sum());
        }
        out.writeLong(attachDropped.get());
    }

    void takeOver(java.io.DataInputStream in) throws java.io.IOException {
        requests.add(in.readLong());
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String code = in.readUTF();
            long count = in.readLong();
            for (ErrorCode c : ErrorCode.values()) {
                if (c.name().equals(code)) {
                    errors.get(c).add(count);
                }
            }
        }
        attachDropped.addAndGet(in.readLong());
    }

    void request() {
        requests.increment();
    }

    void error(ErrorCode code) {
        errors.get(code).increment();
    }

    void uiRefused(UiGate.Refusal why) {
        uiRefused.get(why).increment();
    }

    void attachDropped(long bytes) {
        attachDropped.addAndGet(bytes);
    }

    String render(Sessions sessions, Checkpoints checkpoints) {
        StringBuilder b = new StringBuilder();
        long live = 0;
        long exited = 0;
        long dropped = 0;
        long buffered = 0;
        for (Session s : sessions.registry().all()) {
            if (s.live()) {
                live++;
            } else {
                exited++;
            }
            dropped += s.process().stdout().dropped() + s.process().stderr().map(r -> r.dropped()).orElse(0L);
            buffered += s.process().stdout().buffered() + s.process().stderr().map(r -> r.buffered()).orElse(0L);
        }
        line(b, "steward_requests_total", "counter", "API requests", requests.sum());
        b.append("# HELP steward_errors_total API requests refused, by code\n# TYPE steward_errors_total counter\n");
        for (Map.Entry<ErrorCode, LongAdder> e : errors.entrySet()) {
            b.append("steward_errors_total{code=\"").append(e.getKey().wire()).append("\"} ").append(e.getValue().sum())
                    .append('\n');
        }
        b.append("# HELP steward_sessions sessions by phase\n# TYPE steward_sessions gauge\n");
        b.append("steward_sessions{phase=\"running\"} ").append(live).append('\n');
        b.append("steward_sessions{phase=\"exited\"} ").append(exited).append('\n');
        line(b, "steward_output_dropped_bytes", "gauge", "bytes overwritten in session rings", dropped);
        line(b, "steward_output_buffered_bytes", "gauge", "bytes held in session rings", buffered);
        line(b, "steward_attach_dropped_bytes_total", "counter", "bytes attached clients missed by falling behind",
                attachDropped.get());
        line(b, "steward_audit_write_failures_total", "counter", "audit lines that could not be written",
                sessions.audit().failures());
        line(b, "steward_state_write_failures_total", "counter",
                "state.db writes that failed when first tried (kept and retried)", sessions.book().deferred().failures());
        line(b, "steward_state_writes_pending", "gauge", "state.db writes waiting to be retried",
                sessions.book().deferred().pending());
        line(b, "steward_log_written_bytes_total", "counter", "output bytes written to log files",
                sessions.logCounters().written().get());
        line(b, "steward_log_dropped_bytes_total", "counter", "output bytes rings dropped before a log writer read them",
                sessions.logCounters().dropped().get());
        var m = sessions.runtime().membershipStatus();
        line(b, "steward_proc_events_total", "counter", "proc connector events read", m.events());
        line(b, "steward_proc_events_lost_total", "counter",
                "proc connector events the kernel's sequence numbers say were dropped", m.lost());
        line(b, "steward_proc_event_overruns_total", "counter", "times the proc connector's buffer overflowed (ENOBUFS)",
                m.overruns());
        line(b, "steward_proc_rescans_total", "counter", "scans of /proc that made up for lost events, or polls without the connector",
                m.rescans());
        line(b, "steward_observed_events_total", "counter", "process, file and network events published",
                sessions.activity().published());
        b.append("# HELP steward_ui_refusals_total requests the dashboard's listener refused, by reason\n")
                .append("# TYPE steward_ui_refusals_total counter\n");
        for (Map.Entry<UiGate.Refusal, LongAdder> e : uiRefused.entrySet()) {
            b.append("steward_ui_refusals_total{reason=\"").append(e.getKey().label()).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        }
        sessions.heartbeats().render(b);
        checkpoints(b, checkpoints.counters());
        trees(b, sessions);
        return b.toString();
    }

    /** Each running session's whole tree: a tree's memory, not its root's. */
    private static void trees(StringBuilder b, Sessions sessions) {
        StringBuilder rss = new StringBuilder();
        StringBuilder cpu = new StringBuilder();
        StringBuilder procs = new StringBuilder();
        for (Session s : sessions.registry().all()) {
            if (!s.live()) {
                continue;
            }
            TreeUsage u = s.treeUsage();
            String labels = "{id=\"" + s.id() + "\",name=\"" + escape(s.name() == null ? "" : s.name()) + "\"} ";
            rss.append("steward_session_tree_rss_bytes").append(labels).append(u.rssBytes()).append('\n');
            cpu.append("steward_session_tree_cpu_seconds_total").append(labels).append(u.cpuMicros() / 1e6).append('\n');
            procs.append("steward_session_tree_processes").append(labels).append(u.processes()).append('\n');
        }
        b.append("# HELP steward_session_tree_rss_bytes resident sets of a running session's processes, summed\n")
                .append("# TYPE steward_session_tree_rss_bytes gauge\n").append(rss);
        b.append("# HELP steward_session_tree_cpu_seconds_total CPU time of a running session's live processes and of the children they reaped\n")
                .append("# TYPE steward_session_tree_cpu_seconds_total counter\n").append(cpu);
        b.append("# HELP steward_session_tree_processes processes in a running session's tree, its root included\n")
                .append("# TYPE steward_session_tree_processes gauge\n").append(procs);
    }

    /** A label value as the text format wants it. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void checkpoints(StringBuilder b, Checkpoints.Counters c) {
        labelled(b, "steward_checkpoints_total", "checkpoints taken (ok), failed, or refused for want of a working CRIU",
                "result", new String[] {"ok", "failed", "unsupported"},
                new long[] {c.checkpointed(), c.checkpointFailures(), c.unsupported()});
        labelled(b, "steward_restores_total", "restores of checkpoints, by result", "result",
                new String[] {"ok", "failed"}, new long[] {c.restored(), c.restoreFailures()});
        line(b, "steward_checkpoint_stored_bytes_total", "counter",
                "bytes the checkpoints taken by this daemon take in the store, compressed", c.bytesStored());
        line(b, "steward_checkpoint_store_bytes", "gauge", "bytes of the checkpoint store's blobs on disk",
                c.storeBytes());
        line(b, "steward_checkpoint_store_blobs", "gauge", "blobs in the checkpoint store", c.storeBlobs());
    }

    private static void labelled(StringBuilder b, String name, String help, String label, String[] values,
            long[] counts) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        for (int i = 0; i < values.length; i++) {
            b.append(name).append('{').append(label).append("=\"").append(values[i]).append("\"} ")
                    .append(counts[i]).append('\n');
        }
    }

    private static void line(StringBuilder b, String name, String type, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        b.append(name).append(' ').append(value).append('\n');
    }
}
