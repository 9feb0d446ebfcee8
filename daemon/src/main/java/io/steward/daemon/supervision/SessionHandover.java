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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The sessions as one daemon hands them to the build that replaces it in place: per session its
 * id, tag and request, the descriptors of its own sockets, its process ({@link Handover}), what the
 * daemon knows of its life, and where its log files stand. The next daemon rebuilds each as it was,
 * with nothing started, told or journaled again.
 */
public final class SessionHandover {
    private final Sessions sessions;
    /** The sessions written, in the order both sections hold them. */
    private List<Session> written;

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
        List<Session> all = written = sessions.registry().all();
        out.writeInt(all.size());
        for (Session s : all) {
            out.writeUTF(s.id());
            out.writeUTF(s.key());
            out.writeUTF(s.auditTag());
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
     * Writes, for the sessions {@link #write} wrote and in the same order, what reads back without a
     * native call: each one's request and its process's rings, as a section of their own.
     */
    public void writePlain(DataOutputStream out) throws IOException {
        out.writeInt(written.size());
        for (Session s : written) {
            Handover.writeString(out, Json.write(s.request().body()));
            Handover.writeRings(s.process(), out);
        }
    }

    /**
     * What {@link #writePlain} wrote: the requests parsed and the rings copied into new rings, with
     * no native call, so a daemon taking over does it on a thread of its own while its native calls
     * bootstrap.
     */
    public static List<Plain> readPlain(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Plain> plain = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RunRequest request = RunRequest.parse(Json.parseObject(Handover.readString(in)));
            plain.add(new Plain(request, Handover.readRings(in)));
        }
        return plain;
    }

    /** A session's request and its process's rings, read back by {@link #readPlain}. */
    public record Plain(RunRequest request, Handover.Rings rings) {}

    /**
     * Rebuilds the sessions {@link #write} wrote, each as it was: running, in its backoff, or ended;
     * nothing of theirs moves (no byte read or logged, no exit seen, no backoff counting, no beat
     * taken) until the returned step runs, once the daemon taking over serves: until then a failed
     * take-over can hand back to the daemon before, from the same state, with nothing lost.
     */
    public Runnable read(DataInputStream in, Future<List<Plain>> plainRead) throws IOException {
        int n = in.readInt();
        List<Plain> plain = await(plainRead);
        if (plain.size() != n) {
            throw new IOException(n + " sessions were handed over with the requests and rings of " + plain.size());
        }
        List<Runnable> go = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            go.add(readOne(in, plain.get(i)));
        }
        return () -> {
            sessions.runtime().takenOver();
            go.forEach(Runnable::run);
        };
    }

    private static List<Plain> await(Future<List<Plain>> plain) throws IOException {
        try {
            return plain.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException("reading the requests and rings handed over", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("taking over the requests and rings");
        }
    }

    /** Reads one session; returns what sets it going. */
    private Runnable readOne(DataInputStream in, Plain plain) throws IOException {
        String id = in.readUTF();
        String key = in.readUTF(); // carried: the next daemon computes no keyed hash to take over
        String tag = in.readUTF();
        RunRequest request = plain.request();
        int restarts = in.readInt();
        int beatsFd = in.readInt();
        int notifyFd = in.readInt();
        var heartbeats = sessions.heartbeats();
        SessionSocket beats = beatsFd >= 0 ? heartbeats.adopt(SessionSocket.Kind.BEATS, tag, beatsFd) : null;
        SessionSocket notify = notifyFd >= 0 ? heartbeats.adopt(SessionSocket.Kind.NOTIFY, tag, notifyFd) : null;
        ProcessSpec spec = sessions.sessionSpec(request, tag, beats, notify).toBuilder()
                .originator(Sessions.originator(tag, restarts)).build();
        ManagedProcess p = sessions.runtime().takeOver(spec, in, plain.rings());
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
