package io.steward.daemon.supervision;

import io.steward.api.Json;
import io.steward.api.SessionState;
import io.steward.core.Handover;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcessSpec;
import io.steward.daemon.beats.SessionSocket;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.daemon.session.SessionLog;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The sessions as one daemon hands them to the build that replaces it in place: per session its
 * id, tag and request, the descriptors of its own sockets, its process ({@link Handover}), what the
 * daemon knows of its life, and where its log files stand. The next daemon rebuilds each as it was,
 * with nothing started, told or journaled again.
 */
public final class SessionHandover {
    private final Sessions sessions;

    public SessionHandover(Sessions sessions) {
        this.sessions = sessions;
    }

    /**
     * Why the sessions cannot be handed over now (one is between two states: stopping, starting,
     * restarting), or null when every one is running, waiting out its backoff, or ended.
     */
    public String unsettled() {
        for (Session s : sessions.registry().all()) {
            SessionState state = s.state();
            boolean steady = switch (state) {
                case RUNNING -> s.process().phase() != ManagedProcess.Phase.STOPPING;
                case BACKOFF, EXITED, ERRORED -> s.process().phase() == ManagedProcess.Phase.EXITED;
                default -> false;
            };
            if (!steady) {
                return "session " + s.id() + " is " + state.wire() + (state == SessionState.RUNNING ? " (stopping)" : "");
            }
        }
        return null;
    }

    /** Holds every log writer between two writes; {@link #resumeLogs} lets them go on. */
    public void pauseLogs() {
        for (Session s : sessions.registry().all()) {
            if (s.log() != null) {
                s.log().pause();
            }
        }
    }

    public void resumeLogs() {
        for (Session s : sessions.registry().all()) {
            if (s.log() != null) {
                s.log().resume();
            }
        }
    }

    /**
     * Writes every session; the runtime, the heartbeat thread and the log writers must be held.
     *
     * @param keep gets the descriptors the next daemon inherits
     */
    public void write(DataOutputStream out, Set<Integer> keep) throws IOException {
        List<Session> all = sessions.registry().all();
        out.writeInt(all.size());
        for (Session s : all) {
            out.writeUTF(s.id());
            out.writeUTF(s.key());
            out.writeUTF(s.auditTag());
            Handover.writeString(out, Json.write(s.request().body()));
            out.writeInt(s.restarts());
            int beats = -1;
            int notify = -1;
            for (SessionSocket socket : sessions.heartbeats().socketsOf(s)) {
                if (socket.kind() == SessionSocket.Kind.BEATS) {
                    beats = socket.fd();
                } else {
                    notify = socket.fd();
                }
                keep.add(socket.fd());
            }
            out.writeInt(beats);
            out.writeInt(notify);
            Handover.write(s.process(), out, keep);
            s.handOver(out);
            out.writeBoolean(s.log() != null);
            if (s.log() != null) {
                s.log().handOver(out);
            }
        }
    }

    /**
     * Rebuilds the sessions {@link #write} wrote, each as it was: running, in its backoff, or ended;
     * nothing of theirs moves (no byte read or logged, no exit seen, no backoff counting, no beat
     * taken) until the returned step runs, once the daemon taking over serves: until then a failed
     * take-over can hand back to the daemon before, from the same state, with nothing lost.
     */
    public Runnable read(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Runnable> go = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            go.add(readOne(in));
        }
        return () -> {
            sessions.runtime().takenOver();
            go.forEach(Runnable::run);
        };
    }

    /** Reads one session; returns what sets it going. */
    private Runnable readOne(DataInputStream in) throws IOException {
        String id = in.readUTF();
        String key = in.readUTF(); // carried: the next daemon computes no keyed hash to take over
        String tag = in.readUTF();
        RunRequest request = RunRequest.parse(Json.parseObject(Handover.readString(in)));
        int restarts = in.readInt();
        int beatsFd = in.readInt();
        int notifyFd = in.readInt();
        var heartbeats = sessions.heartbeats();
        SessionSocket beats = beatsFd >= 0 ? heartbeats.adopt(SessionSocket.Kind.BEATS, tag, beatsFd) : null;
        SessionSocket notify = notifyFd >= 0 ? heartbeats.adopt(SessionSocket.Kind.NOTIFY, tag, notifyFd) : null;
        ProcessSpec spec = sessions.sessionSpec(request, tag, beats, notify).toBuilder()
                .originator(Sessions.originator(tag, restarts)).build();
        ManagedProcess p = sessions.runtime().takeOver(spec, in);
        var registry = sessions.registry();
        Session s = new Session(id, key, tag, request, p, request.vitals(), sessions.steps());
        s.takeOver(in);
        if (in.readBoolean()) {
            s.log(SessionLog.takeOver(sessions.logs(), request.name() != null ? request.name() : id, p,
                    sessions.logCounters(), request.options().effective(io.steward.api.RunOptions.LOG_TIMESTAMPS), in));
        }
        if (!request.options().effectiveObserve().isEmpty()) {
            sessions.activity().expect(tag);
            sessions.activity().registered(tag, s);
        }
        registry.add(s);
        return () -> {
            if (s.log() != null) {
                s.log().startTakenOver();
            }
            heartbeats.attach(s, beats, notify);
            if (p.phase() != ManagedProcess.Phase.EXITED) {
                sessions.watchExit(s, p);
            } else if (s.state() == SessionState.BACKOFF) {
                sessions.supervisor().resumeBackoff(s);
            }
            if (s.vitals().watched()) {
                heartbeats.watchNow();
            }
        };
    }
}
