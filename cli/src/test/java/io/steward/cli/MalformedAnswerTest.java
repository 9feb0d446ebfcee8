package io.steward.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Something on the daemon's socket that breaks HTTP: the CLI says so in one line and exits 1. */
class MalformedAnswerTest {
    @TempDir
    Path tmp;

    /** Answers every connection with {@code reply} once its request head is in, then hangs up. */
    private static Thread serve(ServerSocketChannel server, String reply) {
        return Thread.ofPlatform().start(() -> {
            while (true) {
                try (SocketChannel ch = server.accept()) {
                    InputStream in = Channels.newInputStream(ch);
                    int lastFour = 0;
                    for (int c = 0; c >= 0 && lastFour != 0x0d0a0d0a; ) {
                        c = in.read();
                        lastFour = lastFour << 8 | c;
                    }
                    Channels.newOutputStream(ch).write(reply.getBytes(StandardCharsets.ISO_8859_1));
                } catch (ClosedChannelException closed) {
                    return;
                } catch (IOException e) {
                    // the client hung up first: the next connection is another case
                }
            }
        });
    }

    private Cli.Result against(String reply, String... args) throws Exception {
        Path home = Files.createDirectory(tmp.resolve("home"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path socket = home.resolve("steward.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = serve(server, reply);
        try {
            return Cli.runWith(Map.of("STEWARD_HOME", home.toString()), null, args);
        } finally {
            server.close();
            acceptor.join(10_000);
        }
    }

    @Test
    void aBadChunkSizeIsOneLineAndExit1() throws Exception {
        Cli.Result r = against("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n", "ls");
        assertEquals(1, r.code(), r.err());
        assertEquals("steward: bad answer from the daemon at " + tmp.resolve("home/steward.sock")
                + ": expected a chunk size in hex, then optional extensions, got \"zz\"\n", r.err());
    }

    @Test
    void aTruncatedAnswerIsOneLineAndExit1() throws Exception {
        Cli.Result r = against("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"status\":", "events", "--follow");
        assertEquals(1, r.code(), r.err());
        assertEquals("steward: bad answer from the daemon at " + tmp.resolve("home/steward.sock")
                + ": expected 90 more bytes of a body of content-length 100, got end of stream\n", r.err());
    }
}
