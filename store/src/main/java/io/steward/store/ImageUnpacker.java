package io.steward.store;

import io.airlift.compress.v3.MalformedInputException;
import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Restores an image directory from a checkpoint's layers, every blob in parallel: each part is
 * written at its offset, so the parts of one large file decompress on all cores at once. A blob is
 * hashed before it is decompressed, so corrupt content is named and never reaches the image.
 */
final class ImageUnpacker {
    private final BlobDir blobs;
    private final ExecutorService executor;

    ImageUnpacker(BlobDir blobs, ExecutorService executor) {
        this.blobs = blobs;
        this.executor = executor;
    }

    /** Writes the files of {@code checkpoint} into {@code into}, an existing empty directory. */
    void unpack(Checkpoint checkpoint, Path into) throws IOException {
        Set<String> names = new LinkedHashSet<>();
        for (Layer l : checkpoint.layers()) {
            names.add(safeName(l.name(), checkpoint));
        }
        for (String name : names) {
            Files.createFile(into.resolve(name), AtomicFiles.OWNER_ONLY);
        }
        try (Buffers buffers = new Buffers()) {
            List<Parallel.IoTask<Void>> tasks = new ArrayList<>();
            for (Layer l : checkpoint.layers()) {
                tasks.add(() -> {
                    unpackPart(l, into.resolve(l.name()), checkpoint.digest(), buffers);
                    return null;
                });
            }
            Parallel.all(executor, tasks, "extracting checkpoint " + checkpoint.digest());
        }
    }

    /** A layer's title must name a file in the directory, not a path out of it. */
    private static String safeName(String name, Checkpoint checkpoint) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new StewardException(ErrorCode.CORRUPT, "checkpoint " + checkpoint.digest()
                    + " names a layer '" + name + "', which is not a file name");
        }
        return name;
    }

    private void unpackPart(Layer layer, Path file, String manifest, Buffers buffers) throws IOException {
        String where = "blob " + layer.digest() + " (" + layer.name() + ") of checkpoint " + manifest;
        boolean pooled = layer.uncompressedSize() >= Buffers.POOLED_FROM && layer.uncompressedSize() <= Buffers.RAW
                && layer.size() <= Buffers.PACKED;
        if (!pooled) {
            try (Arena arena = Arena.ofConfined()) {
                unpackPart(layer, file, where, new Buffers.Pair(arena.allocate(Math.max(layer.uncompressedSize(), 1)),
                        arena.allocate(Math.max(layer.size(), 1))));
            }
            return;
        }
        Buffers.Pair room = buffers.take();
        try {
            unpackPart(layer, file, where, room);
        } finally {
            buffers.give(room);
        }
    }

    private void unpackPart(Layer layer, Path file, String where, Buffers.Pair room) throws IOException {
        MemorySegment packed = readVerified(room.packed(), layer, where);
        MemorySegment raw = room.raw().asSlice(0, layer.uncompressedSize());
        long length;
        try {
            length = Codec.decompress(packed, raw);
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new StewardException(ErrorCode.CORRUPT, where + " does not decompress: " + e.getMessage(), e);
        }
        if (length != layer.uncompressedSize()) {
            throw new StewardException(ErrorCode.CORRUPT, where + " decompresses to " + length
                    + " bytes, not the " + layer.uncompressedSize() + " its manifest says");
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buf = raw.asByteBuffer();
            while (buf.hasRemaining()) {
                out.write(buf, layer.offset() + buf.position());
            }
        }
    }

    /** Reads the blob into {@code room} and checks its digest; its size must be the manifest's. */
    private MemorySegment readVerified(MemorySegment room, Layer layer, String where) throws IOException {
        try (FileChannel in = FileChannel.open(blobs.path(layer.digest()), StandardOpenOption.READ)) {
            long size = in.size();
            MemorySegment packed = room.asSlice(0, Math.min(size, layer.size()));
            ByteBuffer buf = packed.asByteBuffer();
            while (buf.hasRemaining() && in.read(buf, buf.position()) >= 0) {
                // a blob is at most one part's frame: read whole, then checked and decompressed
            }
            MessageDigest md = Digests.sha256();
            md.update(packed.asByteBuffer());
            if (size != layer.size()) {
                throw new StewardException(ErrorCode.CORRUPT, where + " is corrupt: it has " + size
                        + " bytes, not the " + layer.size() + " its manifest says");
            }
            String actual = Digests.of(md);
            if (!actual.equals(layer.digest())) {
                throw new StewardException(ErrorCode.CORRUPT, where + " is corrupt: its content hashes to " + actual);
            }
            return packed;
        } catch (NoSuchFileException e) {
            throw new StewardException(ErrorCode.CORRUPT, where + " is missing from the store");
        }
    }
}
