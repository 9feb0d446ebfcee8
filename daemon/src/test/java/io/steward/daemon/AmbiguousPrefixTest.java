package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.RunRequestBody;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.SessionIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Ids whose first 40 bits are zero ("aaaaaaaa…"), so a short prefix matches more than one session. */
class AmbiguousPrefixTest {
    /** Random bytes after the first five, which are zero. */
    private static final class SharedPrefix implements RandomGenerator {
        private final SplittableRandom random = new SplittableRandom();

        @Override
        public long nextLong() {
            return random.nextLong();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            random.nextBytes(bytes);
            java.util.Arrays.fill(bytes, 0, Math.min(5, bytes.length), (byte) 0);
        }
    }

    @Test
    void anAmbiguousPrefixIsRefusedListingTheCandidates() throws Exception {
        Path home = Files.createTempDirectory("steward-home", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        StewardHome h = new StewardHome(home, home.resolve("steward.sock"));
        try (Daemon daemon = Daemon.open(h, new SessionIds(new SharedPrefix()));
                ApiServer server = ApiServer.start(daemon)) {
            StewardClient client = new StewardClient(h);
            RunRequestBody sleep = RunRequestBody.builder(List.of("sleep", "60")).build();
            String a = client.sessions().run(sleep).id();
            String b = client.sessions().run(sleep).id();
            assertTrue(a.startsWith("aaaaaaaa") && b.startsWith("aaaaaaaa"), a + " " + b);
            StewardException e = assertThrows(StewardException.class, () -> client.sessions().get("aaaaaa"));
            assertEquals(ErrorCode.INVALID_INPUT, e.code());
            assertTrue(e.getMessage().startsWith("ambiguous session prefix 'aaaaaa': "), e.getMessage());
            assertTrue(e.getMessage().contains(a) && e.getMessage().contains(b), e.getMessage());
            assertTrue(e.getMessage().endsWith("(no session is named so)"), "says which rules it tried: " + e.getMessage());
            assertEquals(a, client.sessions().get(a.substring(0, 20)).id(), "a prefix long enough to be unique resolves");
            StewardException shadow = assertThrows(StewardException.class, () -> client.sessions().run(
                    RunRequestBody.builder(List.of("sleep", "60")).set(io.steward.api.RunOptions.NAME, "aaaaaaa").build()));
            assertEquals(ErrorCode.CONFLICT, shadow.code(), "a name that would hide live ids behind it");
            assertTrue(shadow.getMessage().startsWith("name 'aaaaaaa' is a prefix of the id of running session aaaaaaa"),
                    shadow.getMessage());
            assertEquals(2, client.sessions().list(true, null).size(), "nothing started");
            StewardException none = assertThrows(StewardException.class, () -> client.sessions().get("bbbbbbb"));
            assertEquals("no session 'bbbbbbb' (no name or id prefix matches)", none.getMessage());
            assertEquals(a, client.sessions().kill(a).id());
            client.sessions().kill(b);
        } finally {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
