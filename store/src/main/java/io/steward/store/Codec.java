package io.steward.store;

import io.airlift.compress.v3.MalformedInputException;
import io.airlift.compress.v3.zstd.ZstdJavaCompressor;
import io.airlift.compress.v3.zstd.ZstdJavaDecompressor;
import java.lang.foreign.MemorySegment;

/**
 * zstd at its default level (3, as {@code zstd -3}), one frame per part, in aircompressor's pure
 * Java implementation: no native library to ship or load.
 */
final class Codec {
    private Codec() {}

    /** The room {@link #compress} may need for {@code length} bytes. */
    static long maxCompressedLength(long length) {
        return new ZstdJavaCompressor().maxCompressedLength(Math.toIntExact(length));
    }

    /** Compresses {@code raw} into {@code room} (at least {@link #maxCompressedLength} long); returns the frame, a slice of it. */
    static MemorySegment compress(MemorySegment raw, MemorySegment room) {
        int length = new ZstdJavaCompressor().compress(raw, room);
        return room.asSlice(0, length);
    }

    /**
     * Decompresses {@code packed} into {@code raw}, which is exactly as long as it should restore;
     * returns the bytes it restored.
     *
     * @throws MalformedInputException (or an index or argument exception) for a frame that is not zstd
     */
    static long decompress(MemorySegment packed, MemorySegment raw) {
        return new ZstdJavaDecompressor().decompress(packed, raw);
    }
}
