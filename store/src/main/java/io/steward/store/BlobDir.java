package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** {@code blobs/sha256/}: one file per distinct content, named by the SHA-256 of its bytes. */
final class BlobDir {
    /** A file in the directory: its digest (null for a temporary file) and size. */
    record Entry(Path path, String digest, long size) {}

    private final Path dir;

    BlobDir(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    Path path(String digest) {
        return dir.resolve(Digests.hex(digest));
    }

    /**
     * Stores {@code data} (consumed) as a blob and returns its digest. Content already stored is not
     * written again: identical parts of checkpoints are one file.
     */
    String put(ByteBuffer data) throws IOException {
        String digest = digest(data);
        Path target = path(digest);
        if (!Files.exists(target)) {
            AtomicFiles.write(target, data);
        }
        return digest;
    }

    /**
     * As {@link #put(ByteBuffer)}, but the flush to disk and the rename happen on {@code flusher}:
     * {@code data} is free for reuse when this returns, the blob exists once the flusher is done.
     */
    String put(ByteBuffer data, Flusher flusher) throws IOException {
        String digest = digest(data);
        Path target = path(digest);
        if (!Files.exists(target)) {
            flusher.syncThenRename(AtomicFiles.writeTemp(dir, data), target);
        }
        return digest;
    }

    private static String digest(ByteBuffer data) {
        MessageDigest md = Digests.sha256();
        md.update(data.duplicate());
        return Digests.of(md);
    }

    String put(byte[] data) throws IOException {
        return put(ByteBuffer.wrap(data));
    }

    /** Reads a small blob (a manifest or a config), checking that its content has its digest. */
    byte[] readVerified(String digest, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path(digest));
        } catch (NoSuchFileException e) {
            throw new StewardException(ErrorCode.CORRUPT, "blob " + digest + " (" + what + ") is missing from the store");
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot read blob " + digest + " (" + what + "): " + e.getMessage(), e);
        }
        String actual = Digests.of(bytes);
        if (!actual.equals(digest)) {
            throw new StewardException(ErrorCode.CORRUPT,
                    "blob " + digest + " (" + what + ") is corrupt: its content hashes to " + actual);
        }
        return bytes;
    }

    /** Every file in the directory: blobs and leftover temporary files (anything else is left alone). */
    List<Entry> entries() throws IOException {
        List<Entry> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String digest = Digests.PREFIX + p.getFileName();
                boolean blob = Digests.isDigest(digest);
                if (blob || AtomicFiles.isTemp(p)) {
                    long size;
                    try {
                        size = Files.size(p);
                    } catch (NoSuchFileException gone) {
                        continue;
                    }
                    out.add(new Entry(p, blob ? digest : null, size));
                }
            }
        }
        return out;
    }

    /** Deletes leftovers of writes a crash interrupted; returns how many and their bytes. */
    long[] deleteTemps() throws IOException {
        long count = 0;
        long bytes = 0;
        for (Entry e : entries()) {
            if (e.digest() == null && Files.deleteIfExists(e.path())) {
                count++;
                bytes += e.size();
            }
        }
        return new long[] {count, bytes};
    }
}
