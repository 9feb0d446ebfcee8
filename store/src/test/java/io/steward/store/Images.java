package io.steward.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Image directories that look like CRIU's: a few small files and a pages file of memory-like content. */
final class Images {
    static final int PAGE = 4096;

    private Images() {}

    /** Small files plus a {@code pages-1.img} of {@code pagesBytes} (a multiple of a page). */
    static Path write(Path dir, long pagesBytes, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("inventory.img"), "inventory " + seed);
        Files.writeString(dir.resolve("core-4242.img"), "core of 4242\n".repeat(200));
        Files.write(dir.resolve("empty.img"), new byte[0]);
        writeMemory(dir.resolve("pages-1.img"), pagesBytes, seed);
        return dir;
    }

    /**
     * Memory as a dump sees it: half the pages zero, a third text a program repeats (its heap of
     * strings), the rest random (pointers, hashes, compressed data).
     */
    static void writeMemory(Path file, long bytes, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] text = ("GET /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nuser=alice; state=running; "
                + "pid=4242\n").getBytes(StandardCharsets.US_ASCII);
        byte[] page = new byte[PAGE];
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long written = 0; written < bytes; written += PAGE) {
                int kind = random.nextInt(6);
                if (kind < 3) {
                    Arrays.fill(page, (byte) 0);
                } else if (kind < 5) {
                    int shift = random.nextInt(text.length);
                    for (int i = 0; i < PAGE; i++) {
                        page[i] = text[(i + shift) % text.length];
                    }
                } else {
                    random.nextBytes(page);
                }
                chunk.put(page);
                if (!chunk.hasRemaining()) {
                    flush(out, chunk);
                }
            }
            flush(out, chunk);
        }
    }

    private static void flush(FileChannel out, ByteBuffer chunk) throws IOException {
        chunk.flip();
        while (chunk.hasRemaining()) {
            out.write(chunk);
        }
        chunk.clear();
    }

    static void flipByte(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x5a)).rewind();
            ch.write(b, at);
        }
    }

    /** Each regular file's name and SHA-256: two directories with equal listings hold the same bytes. */
    static TreeMap<String, String> listing(Path dir) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                var md = Digests.sha256();
                try (var in = Files.newInputStream(p)) {
                    byte[] buf = new byte[1 << 20];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        md.update(buf, 0, n);
                    }
                }
                out.put(p.getFileName().toString(), HexFormat.of().formatHex(md.digest()));
            }
        }
        return out;
    }
}
