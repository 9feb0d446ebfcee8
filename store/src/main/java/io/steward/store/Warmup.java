package io.steward.store;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

/**
 * Runs the codec and SHA-256 over 32 MiB of memory-like data on every store thread, so the JIT
 * has compiled them before the first real checkpoint. In a fresh JVM, the first put of a 256 MiB
 * image takes 1.5 s of CPU more than later ones: the compressor and the hash run interpreted, then
 * compiled by C1, while C2 compiles them. Warming moves part of that out of the put, into the time
 * {@code criu dump} takes anyway.
 */
final class Warmup {
    private static final int BYTES = 8 << 20;
    private static final int ROUNDS = 4;
    private static final int PAGE = 4096;

    private Warmup() {}

    static void start(ExecutorService executor, int threads) {
        for (int i = 0; i < threads; i++) {
            long seed = i;
            executor.execute(() -> run(seed));
        }
    }

    private static void run(long seed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment raw = memoryLike(arena, seed);
            MemorySegment back = arena.allocate(BYTES);
            MemorySegment room = arena.allocate(Codec.maxCompressedLength(BYTES));
            for (int round = 0; round < ROUNDS; round++) {
                MemorySegment packed = Codec.compress(raw, room);
                // SHA-256 runs interpreted at a tenth of its compiled speed: hash a lot, so its
                // compiled (intrinsic) form is ready before a put hashes 50 MB of frames
                MessageDigest md = Digests.sha256();
                md.update(packed.asByteBuffer());
                md.update(raw.asByteBuffer());
                md.digest();
                Codec.decompress(packed, back);
            }
        } catch (RuntimeException e) {
            // only a head start: the real work compiles the same code if this fails
        }
    }

    /** Zero pages, pages of repeated text and random pages, as a process's memory holds. */
    private static MemorySegment memoryLike(Arena arena, long seed) {
        MemorySegment m = arena.allocate(BYTES);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] text = "steward warm-up: GET /sessions HTTP/1.1 Host: localhost state=running\n".getBytes();
        for (long page = 0; page < BYTES; page += PAGE) {
            int kind = random.nextInt(6);
            for (int i = 0; i < PAGE && kind >= 3; i++) {
                byte b = kind < 5 ? text[(int) ((page + i) % text.length)] : (byte) random.nextInt();
                m.set(ValueLayout.JAVA_BYTE, page + i, b);
            }
        }
        return m;
    }
}
