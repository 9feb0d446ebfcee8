package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Checkpoints (CRIU image directories) stored by content in an OCI image layout: {@code oci-layout},
 * {@code index.json} listing one manifest per checkpoint, and {@code blobs/sha256/} holding the
 * manifests, their config blobs and the zstd-compressed image files, each named by the SHA-256 of
 * its bytes as stored. Identical content is one blob, so successive checkpoints of a process share
 * whatever did not change.
 *
 * <p>Each image file is one zstd frame, except files over 4 MiB ({@code pages-*.img}, a process's
 * memory), which are cut into 4 MiB parts, each its own frame and blob with its offset in the
 * layer's annotations. Two reasons: the parts compress (and extract) in parallel on all cores, so
 * a large image does not wait for one core; and a checkpoint whose memory changed in one place
 * differs from the previous one in that part alone, sharing every other part's blob with it. An
 * idle process's stack page changes between two dumps: with 4 MiB parts that costs about 4 % of a
 * 100 MiB process's second checkpoint (16 MiB parts cost 7 %).
 *
 * <p>Every file appears whole or not at all (temporary name, fsync, rename), and leftovers of an
 * interrupted write are deleted when the store opens. Every blob is checked against its digest
 * when it is read; a mismatch is a {@link ErrorCode#CORRUPT} error naming the blob.
 *
 * <p>One instance per directory in a process; its methods are thread-safe. Compression and
 * decompression run on the store's own threads (one per core) with no lock that {@link #list()}
 * waits for; a gc waits for puts and extractions in progress, so it never deletes a blob one of
 * them is about to reference or read.
 */
public final class CheckpointStore implements AutoCloseable {
    private static final String LAYOUT = "{\"imageLayoutVersion\":\"1.0.0\"}";

    private final Path dir;
    private final BlobDir blobs;
    private final IndexFile indexFile;
    private final ExecutorService executor;
    private final ImagePacker packer;
    private final ImageUnpacker unpacker;
    /** Read side: puts and extractions using blobs; write side: gc deleting them. */
    private final ReentrantReadWriteLock blobLock = new ReentrantReadWriteLock();
    /** Guards {@link #entries} and {@link #checkpoints}, and the writing of index.json. */
    private final Object indexLock = new Object();
    private final List<IndexFile.Entry> entries;
    private final Map<String, Checkpoint> checkpoints = new HashMap<>();
    private final AtomicBoolean warmed = new AtomicBoolean();
    private final int threads = Runtime.getRuntime().availableProcessors();
    private volatile boolean closed;

    private CheckpointStore(Path dir) throws IOException {
        this.dir = dir;
        Path blobDir = dir.resolve("blobs").resolve("sha256");
        Files.createDirectories(dir, AtomicFiles.OWNER_ONLY_DIR);
        Files.createDirectories(blobDir, AtomicFiles.OWNER_ONLY_DIR);
        Path layout = dir.resolve("oci-layout");
        if (!Files.exists(layout)) {
            AtomicFiles.write(layout, ByteBuffer.wrap(LAYOUT.getBytes(StandardCharsets.UTF_8)));
            AtomicFiles.syncDir(dir);
        }
        this.blobs = new BlobDir(blobDir);
        blobs.deleteTemps();
        this.indexFile = new IndexFile(dir.resolve("index.json"));
        this.entries = indexFile.read();
        for (IndexFile.Entry e : entries) {
            checkpoints.put(e.digest(), loadOrMarkCorrupt(e));
        }
        this.executor = Executors.newFixedThreadPool(threads, threadFactory());
        this.packer = new ImagePacker(blobs, executor);
        this.unpacker = new ImageUnpacker(blobs, executor);
    }

    /** Opens the store in {@code dir}, creating its layout if missing and deleting leftover temporary files. */
    public static CheckpointStore open(Path dir) {
        try {
            return new CheckpointStore(dir.toAbsolutePath().normalize());
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot open the checkpoint store " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ThreadFactory threadFactory() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "steward-store-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A checkpoint whose manifest or config fails its check stays listed (so it can be removed), as kind corrupt. */
    private Checkpoint loadOrMarkCorrupt(IndexFile.Entry e) {
        try {
            return Manifests.load(blobs, e.digest(), e.size());
        } catch (StewardException ex) {
            if (ex.code() != ErrorCode.CORRUPT) {
                throw ex;
            }
            return new Checkpoint(e.digest(), e.size(), null, 0, Stored.KIND_CORRUPT, ex.getMessage(), e.created(),
                    Map.of(), List.of());
        }
    }

    /**
     * Starts compiling the codec in the background, once: call it when a checkpoint is coming (as
     * {@code criu dump} starts), so the first put spends less of its time on the JIT (see
     * {@link Warmup}). Returns at once; a put or an extraction that arrives meanwhile queues behind
     * it (32 MiB per store thread, well under a second once compiled).
     */
    public void warmUp() {
        checkOpen();
        if (warmed.compareAndSet(false, true)) {
            Warmup.start(executor, threads);
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * Stores every regular file directly in {@code imageDir} (subdirectories and links are not part
     * of an image) with {@code meta}, a JSON object of maps, lists, strings, numbers and booleans;
     * {@code tag}, if not null, moves to the new checkpoint.
     */
    public Stored put(Path imageDir, Map<String, Object> meta, String tag) {
        return recorded(tag, () -> record(Stored.KIND_CRIU, null, meta, tag, packer.pack(imageDir)));
    }

    /** Records that a checkpoint could not be taken, and why: listed like any other, nothing to extract. */
    public Stored putUnsupported(String reason, Map<String, Object> meta, String tag) {
        return recorded(tag, () -> record(Stored.KIND_UNSUPPORTED, reason == null ? "" : reason, meta, tag,
                List.of()));
    }

    /** Runs a put with its tag checked first and blobs safe from a concurrent gc meanwhile. */
    private Stored recorded(String tag, java.util.function.Supplier<Stored> put) {
        checkOpen();
        if (tag != null) {
            Refs.checkTag(tag);
        }
        Lock using = blobLock.readLock();
        using.lock();
        try {
            return put.get();
        } finally {
            using.unlock();
        }
    }

    private Stored record(String kind, String reason, Map<String, Object> meta, String tag, List<Layer> layers) {
        try {
            Instant created = Instant.now();
            byte[] config = Manifests.config(kind, reason, created, meta);
            String configDigest = blobs.put(config);
            byte[] manifest = Manifests.manifest(configDigest, config.length, created, layers);
            String digest = blobs.put(manifest);
            AtomicFiles.syncDir(blobs.dir());
            Checkpoint checkpoint = Manifests.load(blobs, digest, manifest.length);
            synchronized (indexLock) {
                List<IndexFile.Entry> next = new ArrayList<>();
                for (IndexFile.Entry e : entries) {
                    if (!e.digest().equals(digest)) {
                        next.add(tag != null && tag.equals(e.tag()) ? e.withTag(null) : e);
                    }
                }
                next.add(new IndexFile.Entry(digest, manifest.length, tag, created));
                commit(next);
                checkpoints.put(digest, checkpoint);
                return stored(next.getLast(), referenceCounts());
            }
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot store the checkpoint: " + e.getMessage(), e);
        }
    }

    /** Writes the index, then adopts it: a failed write leaves the store as it was. */
    private void commit(List<IndexFile.Entry> next) throws IOException {
        indexFile.write(next);
        entries.clear();
        entries.addAll(next);
    }

    /** Every checkpoint, newest first. */
    public List<Stored> list() {
        checkOpen();
        synchronized (indexLock) {
            Map<String, Integer> counts = referenceCounts();
            List<Stored> out = new ArrayList<>();
            for (int i = entries.size() - 1; i >= 0; i--) {
                out.add(stored(entries.get(i), counts));
            }
            out.sort(Comparator.comparing(Stored::created).reversed());
            return out;
        }
    }

    /**
     * The checkpoint {@code ref} names: {@code sha256:<64 hex>}, a unique prefix of at least 7 hex
     * digits (with or without {@code sha256:}), or a tag.
     */
    public Stored resolve(String ref) {
        checkOpen();
        synchronized (indexLock) {
            return stored(Refs.resolve(ref, entries), referenceCounts());
        }
    }

    /**
     * Restores {@code checkpoint}'s image files into {@code into}, which must not exist yet: it is
     * created, and deleted again if anything fails, so a caller never starts from half an image.
     */
    public void extract(Stored checkpoint, Path into) {
        checkOpen();
        if (Stored.KIND_UNSUPPORTED.equals(checkpoint.kind())) {
            throw new StewardException(ErrorCode.UNSUPPORTED, checkpoint.reason());
        }
        if (Files.exists(into, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "cannot extract into " + into + ": it already exists");
        }
        if (!Digests.isDigest(checkpoint.digest())) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "'" + checkpoint.digest() + "' is not a checkpoint digest");
        }
        Lock using = blobLock.readLock();
        using.lock();
        try {
            if (!Files.exists(blobs.path(checkpoint.digest()))) {
                throw new StewardException(ErrorCode.NOT_FOUND, "checkpoint " + checkpoint.digest() + " is no longer in the store");
            }
            Checkpoint c = Manifests.load(blobs, checkpoint.digest(), -1);
            if (Stored.KIND_UNSUPPORTED.equals(c.kind())) {
                throw new StewardException(ErrorCode.UNSUPPORTED, c.reason());
            }
            createFresh(into);
            try {
                unpacker.unpack(c, into);
            } catch (IOException e) {
                Trees.deleteQuietly(into, e);
                throw new StewardException(ErrorCode.INTERNAL, "cannot extract checkpoint " + c.digest()
                        + " into " + into + ": " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                Trees.deleteQuietly(into, e);
                throw e;
            }
        } finally {
            using.unlock();
        }
    }

    private static void createFresh(Path into) {
        try {
            Path parent = into.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(into, AtomicFiles.OWNER_ONLY_DIR);
        } catch (FileAlreadyExistsException e) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "cannot extract into " + into + ": it already exists");
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot create " + into + ": " + e.getMessage(), e);
        }
    }

    /** Drops the checkpoint {@code ref} names from the index; its blobs stay until {@link #gc()}. */
    public Stored remove(String ref) {
        checkOpen();
        synchronized (indexLock) {
            IndexFile.Entry target = Refs.resolve(ref, entries);
            Stored removed = stored(target, referenceCounts());
            List<IndexFile.Entry> next = new ArrayList<>(entries);
            next.remove(target);
            try {
                commit(next);
            } catch (IOException e) {
                throw new StewardException(ErrorCode.INTERNAL, "cannot update the checkpoint index: " + e.getMessage(), e);
            }
            checkpoints.remove(target.digest());
            return removed;
        }
    }

    /** Deletes every blob no checkpoint in the index references, and leftover temporary files. */
    public GcResult gc() {
        checkOpen();
        Lock deleting = blobLock.writeLock();
        deleting.lock();
        try {
            Set<String> referenced = new HashSet<>();
            synchronized (indexLock) {
                for (IndexFile.Entry e : entries) {
                    referenced.addAll(checkpoints.get(e.digest()).blobs().keySet());
                }
            }
            long removed = 0;
            long freed = 0;
            long kept = 0;
            for (BlobDir.Entry b : blobs.entries()) {
                if (b.digest() != null && referenced.contains(b.digest())) {
                    kept += b.size();
                } else if (Files.deleteIfExists(b.path())) {
                    removed++;
                    freed += b.size();
                }
            }
            AtomicFiles.syncDir(blobs.dir());
            return new GcResult(removed, freed, kept);
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot collect unused checkpoint blobs: " + e.getMessage(), e);
        } finally {
            deleting.unlock();
        }
    }

    /** Bytes and count of the blob files on disk. */
    public Usage usage() {
        checkOpen();
        try {
            long bytes = 0;
            long count = 0;
            for (BlobDir.Entry b : blobs.entries()) {
                if (b.digest() != null) {
                    bytes += b.size();
                    count++;
                }
            }
            return new Usage(bytes, count);
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot measure the checkpoint store: " + e.getMessage(), e);
        }
    }

    /** Waits for work in progress, then stops the store's threads. */
    @Override
    public void close() {
        closed = true;
        executor.close();
    }

    private void checkOpen() {
        if (closed) {
            throw new StewardException(ErrorCode.CLOSED, "the checkpoint store " + dir + " is closed");
        }
    }

    /** How many checkpoints reference each blob (each counted once per checkpoint). Caller holds indexLock. */
    private Map<String, Integer> referenceCounts() {
        Map<String, Integer> counts = new HashMap<>();
        for (IndexFile.Entry e : entries) {
            for (String digest : checkpoints.get(e.digest()).blobs().keySet()) {
                counts.merge(digest, 1, Integer::sum);
            }
        }
        return counts;
    }

    private Stored stored(IndexFile.Entry e, Map<String, Integer> counts) {
        Checkpoint c = checkpoints.get(e.digest());
        long storedBytes = 0;
        long unique = 0;
        for (Map.Entry<String, Long> b : c.blobs().entrySet()) {
            storedBytes += b.getValue();
            if (counts.getOrDefault(b.getKey(), 0) <= 1) {
                unique += b.getValue();
            }
        }
        return new Stored(c.digest(), e.tag(), c.kind(), c.created(), c.meta(), c.reason(), c.layers(),
                storedBytes, c.imageBytes(), unique);
    }
}
