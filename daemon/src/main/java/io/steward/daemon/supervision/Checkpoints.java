package io.steward.daemon.supervision;

import io.steward.api.CheckpointInfo;
import io.steward.api.CheckpointList;
import io.steward.api.ErrorCode;
import io.steward.api.GcResult;
import io.steward.api.SessionEvent;
import io.steward.api.SessionState;
import io.steward.api.StewardException;
import io.steward.core.Capabilities;
import io.steward.core.CheckpointedTree;
import io.steward.core.Criu;
import io.steward.core.CriuProbe;
import io.steward.core.ManagedProcess;
import io.steward.daemon.session.Caller;
import io.steward.daemon.session.RunRequest;
import io.steward.daemon.session.Session;
import io.steward.daemon.state.Apps;
import io.steward.store.CheckpointStore;
import io.steward.store.Stored;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checkpoint and restore of sessions: CRIU dumps a session's tree, the images go into the
 * content-addressed store ({@code $STEWARD_HOME/store}), and a restore brings the tree back as a
 * new session. CRIU runs only where the {@code checkpoint} capability's canary worked; elsewhere
 * the answer is {@code unsupported} with the capability's reason.
 */
public final class Checkpoints implements AutoCloseable {
    /** Request fields a restored session drops: its processes keep the old session's sockets in their environment. */
    /**
     * Beside CRIU's images: what the tree had yet to read of its stdin (the pipe's bytes, then the
     * daemon's queue), written into the restored tree's stdin before anything else.
     */
    static final String PENDING_STDIN = "steward-stdin.bin";

    private static final List<String> HEARTBEAT_OPTIONS = List.of("notify", "watchdogMs", "stallAfterMs",
            "startTimeoutMs", "onStall");

    private final Sessions sessions;
    private final Path home;
    private final Path work;
    private final CheckpointStore store;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicLong checkpointed = new AtomicLong();
    private final AtomicLong checkpointFailures = new AtomicLong();
    private final AtomicLong unsupported = new AtomicLong();
    private final AtomicLong restored = new AtomicLong();
    private final AtomicLong restoreFailures = new AtomicLong();
    private final AtomicLong bytesStored = new AtomicLong();

    /** Opens the store under {@code home} and clears what an earlier daemon's dumps or restores left. */
    public Checkpoints(Sessions sessions, Path home) {
        this.sessions = sessions;
        this.home = home;
        this.work = home.resolve("checkpoint-work");
        Criu.deleteWorkDir(work);
        this.store = CheckpointStore.open(home.resolve("store"));
    }

    /**
     * Dumps {@code s}'s tree and stores it. Without {@code leaveRunning} the tree, stopped by the
     * dump, is killed only once its images are stored, and the session ends {@code checkpointed};
     * should storing fail, the tree runs on.
     */
    public CheckpointInfo checkpoint(Caller caller, Session s, boolean leaveRunning, String tag,
            boolean recordUnsupported) {
        Criu criu = criu("checkpoint", s, recordUnsupported, tag, caller);
        ManagedProcess p = s.process();
        if (s.state() != SessionState.RUNNING || p.phase() != ManagedProcess.Phase.RUNNING) {
            throw sessions.refused(caller, "checkpoint", s,
                    new StewardException(ErrorCode.CONFLICT, "session " + s.id() + " is " + s.state().wire()
                            + ": only a running session can be checkpointed"));
        }
        if (!inFlight.add(s.id())) {
            throw sessions.refused(caller, "checkpoint", s,
                    new StewardException(ErrorCode.CONFLICT, "a checkpoint of session " + s.id() + " is running"));
        }
        store.warmUp(); // the codec compiles while CRIU dumps
        Path dir = null;
        long began = System.nanoTime();
        try {
            dir = workDir("dump-");
            Path images = Files.createDirectory(dir.resolve("images"));
            CheckpointedTree tree;
            try {
                tree = p.checkpoint(criu, images, dir.resolve("criu.log"));
            } catch (Criu.Failure f) {
                keepLog(dir);
                throw failed(caller, s, "checkpoint", named(s), "criu dump: " + CriuProbe.explained(f.error()),
                        ErrorCode.CONFLICT);
            }
            Stored stored;
            try {
                byte[] stdin = p.pendingStdin();
                if (stdin.length > 0) {
                    Files.write(images.resolve(PENDING_STDIN), stdin);
                }
                if (leaveRunning) {
                    p.resume();
                }
                stored = store.put(images, meta(s, tree, criu, leaveRunning), tag);
            } catch (RuntimeException | IOException e) {
                p.resume(); // a tree resumed twice runs on all the same
                StewardException se = e instanceof StewardException x ? x
                        : new StewardException(ErrorCode.INTERNAL, "storing the images failed: " + e.getMessage(), e);
                throw failed(caller, s, "checkpoint", named(s), se.getMessage(), se.code());
            }
            if (!leaveRunning) {
                sessions.endCheckpointed(s);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            checkpointed.incrementAndGet();
            bytesStored.addAndGet(stored.storedBytes());
            sessions.audit().record(caller, "checkpoint", s.auditTag(), "ok");
            sessions.events().publish((seq, at) -> new SessionEvent.Checkpointed(seq, at, s.id(), s.name(),
                    stored.digest(), stored.tag(), leaveRunning, stored.storedBytes(), took));
            return info(stored);
        } catch (IOException e) {
            throw failed(caller, s, "checkpoint", named(s), "cannot make a work directory: " + e.getMessage(),
                    ErrorCode.INTERNAL);
        } finally {
            inFlight.remove(s.id());
            Criu.deleteWorkDir(dir);
        }
    }

    /**
     * Brings checkpoint {@code ref} back as a new session named {@code name} (else the name it had).
     * Every blob is checked against its digest before anything starts.
     */
    public Session restore(Caller caller, String ref, String name) {
        Stored stored = store.resolve(ref);
        if (!stored.kind().equals(Stored.KIND_CRIU)) {
            throw new StewardException(ErrorCode.UNSUPPORTED, "checkpoint " + stored.digest()
                    + " records that CRIU could not run: " + stored.reason());
        }
        Criu criu = criu("restore", null, false, null, caller);
        Map<String, Object> meta = stored.meta();
        RunRequest request = RunRequest.parse(restoredRequest(meta, name));
        CheckpointedTree tree = CheckpointedTree.fromJson(map(meta.get("tree")));
        Path dir = null;
        try {
            dir = workDir("restore-");
            Path images = dir.resolve("images");
            Path log = dir.resolve("criu.log");
            try {
                store.extract(stored, images);
            } catch (StewardException e) {
                throw failed(caller, null, "restore", stored.digest(), e.getMessage(), e.code());
            }
            Session s;
            try {
                s = sessions.create(caller, request, Apps.Source.RUN, spec -> {
                    try {
                        ManagedProcess p = sessions.runtime().restore(spec, criu, tree, images, log);
                        carryStdin(p, images.resolve(PENDING_STDIN));
                        return p;
                    } catch (Criu.Failure f) {
                        throw new StewardException(ErrorCode.CONFLICT, "criu restore: " + f.error());
                    }
                });
            } catch (StewardException e) {
                keepLog(dir);
                throw failed(caller, null, "restore", stored.digest(), e.getMessage(), e.code());
            }
            restored.incrementAndGet();
            long pid = s.process().pid();
            sessions.events().publish((seq, at) -> new SessionEvent.Restored(seq, at, s.id(), s.name(), pid,
                    stored.digest()));
            return s;
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot make a work directory: " + e.getMessage(), e);
        } finally {
            Criu.deleteWorkDir(dir);
        }
    }

    /**
     * Queues what the checkpointed tree had yet to read into the restored tree's stdin, before the
     * session is known to anyone who could send more.
     */
    private static void carryStdin(ManagedProcess p, Path pending) {
        if (!Files.exists(pending) || p.stdin().isEmpty()) {
            return;
        }
        try {
            byte[] bytes = Files.readAllBytes(pending);
            io.steward.core.StdinSink sink = p.stdin().get();
            if (!sink.tryOffer(bytes)) {
                // Over the queue's bound (a full queue and a full pipe): the rest goes as the tree reads.
                Thread.ofVirtual().start(() -> {
                    try {
                        sink.write(bytes);
                    } catch (InterruptedException | StewardException e) {
                        // the restored tree ended first: its stdin is gone
                    }
                });
            }
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot read the checkpoint's pending stdin: " + e.getMessage(), e);
        }
    }

    public CheckpointList list() {
        io.steward.store.Usage usage = store.usage();
        return new CheckpointList(store.list().stream().map(Checkpoints::info).toList(), usage.bytes(), usage.blobs());
    }

    public CheckpointInfo get(String ref) {
        return info(store.resolve(ref));
    }

    /** Drops checkpoint {@code ref} from the index; its blobs stay until {@link #gc}. */
    public CheckpointInfo remove(Caller caller, String ref) {
        Stored removed = store.remove(ref);
        sessions.audit().record(caller, "checkpoint-rm", null, "ok");
        return info(removed);
    }

    public GcResult gc(Caller caller) {
        io.steward.store.GcResult r = store.gc();
        sessions.audit().record(caller, "gc", null, "ok:" + r.blobsRemoved());
        return new GcResult(r.blobsRemoved(), r.bytesFreed(), r.bytesKept());
    }

    /**
     * What {@code /metrics} tells of checkpoints: dumps and restores by result, bytes stored by
     * checkpoints so far, and what the store holds on disk now.
     */
    public record Counters(long checkpointed, long checkpointFailures, long unsupported, long restored,
            long restoreFailures, long bytesStored, long storeBytes, long storeBlobs) {}

    public Counters counters() {
        io.steward.store.Usage usage = store.usage();
        return new Counters(checkpointed.get(), checkpointFailures.get(), unsupported.get(), restored.get(),
                restoreFailures.get(), bytesStored.get(), usage.bytes(), usage.blobs());
    }

    @Override
    public void close() {
        store.close();
    }

    /**
     * The CRIU to run, when the capability's canary worked; else {@code unsupported} with its
     * reason, and for a checkpoint asked to, a record of that in the store.
     */
    private Criu criu(String action, Session s, boolean record, String tag, Caller caller) {
        Capabilities.Capability row = CriuProbe.probe(home);
        if (row.support() != Capabilities.Support.UNAVAILABLE) { // partial: trees without sockets
            return new Criu(CriuProbe.binary());
        }
        String reason = row.reason();
        if (record && s != null) {
            Stored st = store.putUnsupported(reason, meta(s, null, null, false), tag);
            reason = reason + " (recorded as " + st.digest() + ")";
        }
        unsupported.incrementAndGet();
        String line = reason;
        sessions.events().publish((seq, at) -> new SessionEvent.CheckpointFailed(seq, at,
                s != null ? s.id() : null, s != null ? s.name() : null, action, line));
        sessions.audit().record(caller, action, s != null ? s.auditTag() : null, ErrorCode.UNSUPPORTED.wire());
        throw new StewardException(ErrorCode.UNSUPPORTED, line);
    }

    /** Counts, publishes and audits a failed checkpoint or restore of {@code what}; the error to throw. */
    private StewardException failed(Caller caller, Session s, String action, String what, String error,
            ErrorCode code) {
        (action.equals("restore") ? restoreFailures : checkpointFailures).incrementAndGet();
        sessions.events().publish((seq, at) -> new SessionEvent.CheckpointFailed(seq, at,
                s != null ? s.id() : null, s != null ? s.name() : null, action, error));
        sessions.audit().record(caller, action, s != null ? s.auditTag() : null, code.wire());
        return new StewardException(code, action + " of " + what + " failed: " + error);
    }

    private static String named(Session s) {
        return s.name() != null ? s.name() : s.id();
    }

    /** What the manifest's config keeps of the session besides the images. */
    private static Map<String, Object> meta(Session s, CheckpointedTree tree, Criu criu, boolean leftRunning) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("session", s.id());
        m.put("name", s.name());
        m.put("request", s.request().body());
        m.put("criu", criu != null ? CriuProbe.version(criu.binary()) : null);
        m.put("kernel", System.getProperty("os.version"));
        m.put("leftRunning", leftRunning);
        m.put("tree", tree != null ? tree.toJson() : null);
        return m;
    }

    /** The run request of a restored session: the checkpointed one's, under {@code name}, unwatched. */
    private static Map<String, Object> restoredRequest(Map<String, Object> meta, String name) {
        Map<String, Object> body = new LinkedHashMap<>(map(meta.get("request")));
        if (name != null) {
            body.put("name", name);
        }
        HEARTBEAT_OPTIONS.forEach(body::remove);
        return body;
    }

    static CheckpointInfo info(Stored st) {
        Map<String, Object> meta = st.meta();
        Map<String, Object> tree = meta.get("tree") instanceof Map<?, ?> ? map(meta.get("tree")) : Map.of();
        List<Long> pids = tree.get("pids") instanceof List<?> l
                ? l.stream().map(o -> ((Number) o).longValue()).toList() : List.of();
        return new CheckpointInfo(st.digest(), st.tag(), st.kind(), (String) meta.get("session"),
                (String) meta.get("name"), st.created(), st.storedBytes(), st.uniqueBytes(), st.imageBytes(),
                (String) meta.get("criu"), (String) meta.get("kernel"), pids,
                Boolean.TRUE.equals(meta.get("leftRunning")), st.reason());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private Path workDir(String prefix) throws IOException {
        Files.createDirectories(work);
        return Files.createTempDirectory(work, prefix);
    }

    /** CRIU's whole log of the last failure, for whoever needs more than its error line. */
    private void keepLog(Path dir) {
        try {
            Files.copy(dir.resolve("criu.log"), home.resolve("checkpoint-failure.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // no log: CRIU did not get as far as writing one
        }
    }
}
