package io.steward.store;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * Turns an image directory into layer blobs: each regular file, cut into parts of {@link #PART_SIZE},
 * each part one zstd frame in its own blob.
 *
 * <p>Why parts: they compress in parallel, one per core, so a large {@code pages-1.img} does not
 * take one core's time; and a checkpoint whose memory changed in one place differs from the
 * previous one in that part only, so it shares every other part's blob with it. Each part is read
 * and compressed in native memory freed as soon as it is stored, so a put holds about two parts per
 * thread (see {@link Buffers}), never a whole file, and leaves nothing for the daemon's heap to
 * collect.
 */
final class ImagePacker {
    static final int PART_SIZE = 4 << 20;

    private final BlobDir blobs;
    private final ExecutorService executor;

    ImagePacker(BlobDir blobs, ExecutorService executor) {
        this.blobs = blobs;
        this.executor = executor;
    }

    /** The layers of every regular file directly in {@code imageDir}, in name and offset order. */
    List<Layer> pack(Path imageDir) {
        List<Path> files = regularFiles(imageDir);
        try (Buffers buffers = new Buffers(); Flusher flusher = new Flusher()) {
            List<Parallel.IoTask<Layer>> tasks = new ArrayList<>();
            for (Path file : files) {
                long size = size(file);
                String name = file.getFileName().toString();
                long offset = 0;
                do {
                    long at = offset;
                    int length = (int) Math.min(PART_SIZE, size - offset);
                    tasks.add(() -> packPart(file, name, at, length, buffers, flusher));
                    offset += length;
                } while (offset < size);
            }
            List<Layer> layers = Parallel.all(executor, tasks, "storing " + imageDir);
            flusher.awaitAll();
            return layers;
        }
    }

    private static List<Path> regularFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "image directory " + dir + " is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot list image directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot read image file " + file + ": " + e.getMessage(), e);
        }
    }

    private Layer packPart(Path file, String name, long offset, int length, Buffers buffers, Flusher flusher)
            throws IOException {
        if (length < Buffers.POOLED_FROM) {
            try (Arena arena = Arena.ofConfined()) {
                Buffers.Pair own = new Buffers.Pair(arena.allocate(Math.max(length, 1)),
                        arena.allocate(Codec.maxCompressedLength(length)));
                return packPart(file, name, offset, length, own, flusher);
            }
        }
        Buffers.Pair pooled = buffers.take();
        try {
            return packPart(file, name, offset, length, pooled, flusher);
        } finally {
            buffers.give(pooled);
        }
    }

    private Layer packPart(Path file, String name, long offset, int length, Buffers.Pair room, Flusher flusher)
            throws IOException {
        MemorySegment raw = room.raw().asSlice(0, length);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = raw.asByteBuffer();
            while (buf.hasRemaining()) {
                if (in.read(buf, offset + buf.position()) < 0) {
                    throw new StewardException(ErrorCode.CONFLICT, "image file " + file + " shrank while it was being stored");
                }
            }
        }
        MemorySegment packed = Codec.compress(raw, room.packed());
        String digest = blobs.put(packed.asByteBuffer(), flusher);
        return new Layer(name, offset, digest, packed.byteSize(), length);
    }
}
