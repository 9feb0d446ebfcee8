package io.steward.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.steward.api.CheckpointInfo;
import io.steward.api.ErrorCode;
import io.steward.api.GcResult;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Checkpoints} against a server on a real Unix socket: the paths it asks, the records it reads, the codes it raises. */
class CheckpointsTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private static final String INFO = "{\"digest\":\"" + DIGEST + "\",\"tag\":\"before\",\"kind\":\"criu\","
            + "\"session\":\"wpu3ypko7a4i6xd5zwui74tjen\",\"name\":\"counter\",\"created\":\"2026-12-03T10:00:00Z\","
            + "\"storedBytes\":4096,\"uniqueBytes\":1024,\"imageBytes\":9000,\"criu\":\"4.1.1\",\"kernel\":\"6.14.0\","
            + "\"pids\":[4242,4243],\"leftRunning\":true,\"reason\":null}";

    @TempDir
    Path dir;

    private Path socket;
    private StewardClient client;

    @BeforeEach
    void paths() {
        socket = dir.resolve("steward.sock");
        client = new StewardClient(new StewardHome(dir, socket));
    }

    private CannedServer answering(int status, String body) throws Exception {
        String type = status >= 400 ? "application/problem+json" : "application/json";
        return CannedServer.always(socket, "HTTP/1.1 " + status + " X\r\nContent-Type: " + type + "\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
    }

    @Test
    void eachCallAsksItsPathAndReadsItsRecord() throws Exception {
        try (CannedServer s = answering(201, INFO)) {
            CheckpointInfo c = client.checkpoints().create("counter", true, "before", false);
            assertEquals(DIGEST, c.digest());
            assertEquals(List.of(4242L, 4243L), c.pids());
            assertEquals(1024, c.uniqueBytes());
            client.checkpoints().get("before");
            client.checkpoints().get(DIGEST);
            client.checkpoints().remove("abababa");
            assertEquals(List.of("POST /v1/sessions/counter/checkpoint HTTP/1.1", "GET /v1/checkpoints/before HTTP/1.1",
                    "GET /v1/checkpoints/sha256%3A" + "ab".repeat(32) + " HTTP/1.1",
                    "DELETE /v1/checkpoints/abababa HTTP/1.1"), s.requests);
        }
        try (CannedServer s = answering(200, "{\"checkpoints\":[" + INFO + "],\"storeBytes\":8192,\"blobs\":5}")) {
            assertEquals(5, client.checkpoints().list().blobs());
            assertEquals(List.of("GET /v1/checkpoints HTTP/1.1"), s.requests);
        }
        try (CannedServer s = answering(200, "{\"blobsRemoved\":3,\"bytesFreed\":1024,\"storeBytes\":4096}")) {
            assertEquals(new GcResult(3, 1024, 4096), client.checkpoints().gc());
            assertEquals(List.of("POST /v1/checkpoints/gc HTTP/1.1"), s.requests);
        }
    }

    @Test
    void theDaemonsRefusalsAreTypedByTheirCode() throws Exception {
        try (CannedServer s = answering(501, "{\"code\":\"unsupported\",\"detail\":\"criu 3.17.1: the canary dump failed\"}")) {
            StewardException e = assertThrows(StewardException.class,
                    () -> client.checkpoints().create("counter", false, null, false));
            assertEquals(ErrorCode.UNSUPPORTED, e.code());
            assertEquals("criu 3.17.1: the canary dump failed", e.getMessage());
        }
        try (CannedServer s = answering(422, "{\"code\":\"corrupt\",\"detail\":\"blob sha256:cdcdcdc fails its digest check\"}")) {
            StewardException e = assertThrows(StewardException.class, () -> client.checkpoints().restore("before", "again"));
            assertEquals(ErrorCode.CORRUPT, e.code());
            assertEquals(List.of("POST /v1/restore HTTP/1.1"), s.requests);
        }
    }

    @Test
    void aReferenceNoCheckpointCanHaveIsRefusedBeforeAnyRequest() throws Exception {
        try (CannedServer s = answering(200, INFO)) {
            for (String ref : List.of("a/b", "", "x".repeat(200), "two words")) {
                StewardException e = assertThrows(StewardException.class, () -> client.checkpoints().get(ref));
                assertEquals(ErrorCode.INVALID_INPUT, e.code(), ref);
            }
            assertThrows(StewardException.class, () -> client.checkpoints().restore("../x", null));
            assertEquals(List.of(), s.requests);
        }
    }
}
