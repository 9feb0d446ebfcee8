package io.steward.store;

import io.airlift.compress.v3.MalformedInputException;
import io.airlift.compress.v3.zstd.ZstdJavaDecompressor;
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
            Files.createFile(into.resolve(name));
        }
        List<Parallel.IoTask<Void>> tasks = new ArrayList<>();
        for (Layer l : checkpoint.layers()) {
            tasks.add(() -> {
                unpackPart(l, into.resolve(l.name()), checkpoint.digest());
                return null;
            });
        }
        Parallel.all(executor, tasks, "extracting checkpoint " + checkpoint.digest());
    }

    /** A layer's title must name a file in the directory, not a path out of it. */
    private static String safeName(String name, Checkpoint checkpoint) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new StewardException(ErrorCode.CORRUPT, "checkpoint " + checkpoint.digest()
                    + " names a layer '" + name + "', which is not a file name");
        }
        return name;
    }

    private void unpackPart(Layer layer, Path file, String manifest) throws IOException {
        String where = "blob " + layer.digest() + " (" + layer.name() + ") of checkpoint " + manifest;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment packed = readVerified(arena, layer, where);
            MemorySegment raw = arena.allocate(Math.max(layer.uncompressedSize(), 1));
            int length;
            try {
                length = new ZstdJavaDecompressor().decompress(packed, raw.asSlice(0, layer.uncompressedSize()));
            } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new StewardException(ErrorCode.CORRUPT, where + " does not decompress: " + e.getMessage(), e);
            }
            if (length != layer.uncompressedSize()) {
                throw new StewardException(ErrorCode.CORRUPT, where + " decompresses to " + length
                        + " bytes, not the " + layer.uncompressedSize() + " its manifest says");
            }
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ByteBuffer buf = raw.asSlice(0, length).asByteBuffer();
                while (buf.hasRemaining()) {
                    out.write(buf, layer.offset() + buf.position());
                }
            }
        }
    }

    private MemorySegment readVerified(Arena arena, Layer layer, String where) throws IOException {
        try (FileChannel in = FileChannel.open(blobs.path(layer.digest()), StandardOpenOption.READ)) {
            long size = in.size();
            if (size > Integer.MAX_VALUE) {
                throw new StewardException(ErrorCode.CORRUPT, where + " is corrupt: " + size + " bytes, not " + layer.size());
            }
            MemorySegment packed = arena.allocate(Math.max(size, 1)).asSlice(0, size);
            ByteBuffer buf = packed.asByteBuffer();
            while (buf.hasRemaining() && in.read(buf, buf.position()) >= 0) {
                // a blob is at most a part's frame: one read loop, no streaming needed
            }
            MessageDigest md = Digests.sha256();
            md.update(packed.asByteBuffer());
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
