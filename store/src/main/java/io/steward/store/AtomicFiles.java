package io.steward.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/**
 * Files that appear whole or not at all: written under a temporary name in the same directory,
 * flushed to disk, then renamed. A crash leaves at most a {@code .tmp-} file, which the store deletes
 * when it opens; never a short file under the final name.
 */
final class AtomicFiles {
    static final String TEMP_PREFIX = ".tmp-";
    /** Images hold a process's memory (its secrets too): readable by the owner alone. */
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private AtomicFiles() {}

    static Path tempIn(Path dir) {
        return dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    }

    static boolean isTemp(Path file) {
        return file.getFileName().toString().startsWith(TEMP_PREFIX);
    }

    /** Writes {@code data} to {@code target} atomically; the directory itself is not synced (see {@link #syncDir}). */
    static void write(Path target, ByteBuffer data) throws IOException {
        syncThenRename(writeTemp(target.getParent(), data), target);
    }

    /** Writes {@code data} to a new temporary file in {@code dir}, not yet flushed. */
    static Path writeTemp(Path dir, ByteBuffer data) throws IOException {
        Path temp = tempIn(dir);
        try (FileChannel ch = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), OWNER_ONLY)) {
            while (data.hasRemaining()) {
                ch.write(data);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    /** Flushes {@code temp} to disk and renames it to {@code target}; on failure {@code temp} is deleted. */
    static void syncThenRename(Path temp, Path target) throws IOException {
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(false);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Makes the renames into {@code dir} durable. */
    static void syncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
