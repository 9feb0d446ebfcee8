package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.steward.api.CheckpointInfo;
import io.steward.api.CheckpointList;
import io.steward.api.Json;
import io.steward.api.LogsPage;
import io.steward.api.Outcome;
import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.client.UnixHttp;
import io.steward.core.ProcStat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint and restore through the API with the real CRIU (CI provides a working one in
 * {@code STEWARD_CRIU}): output goes on where it stopped, a shell keeps its variables, a tree
 * comes back whole, the store keeps what two checkpoints share once and refuses a corrupt blob.
 */
class CheckpointTest extends DaemonFixture {
    @BeforeEach
    void needCriu() {
        assumeTrue(System.getenv("STEWARD_CRIU") != null,
                "no STEWARD_CRIU: .ci/run sets it to what bin/lib/criu-build prints");
        assumeTrue(io.steward.sys.Libc.getuid() == 0, "CRIU dumps and restores as root here");
    }

    private CheckpointInfo checkpoint(String ref, boolean leaveRunning, String tag) {
        Map<String, Object> body = Json.object("leaveRunning", leaveRunning);
        if (tag != null) {
            body.put("tag", tag);
        }
        UnixHttp.Response r = raw("POST", "/v1/sessions/" + ref + "/checkpoint", Json.write(body));
        assertEquals(201, r.status(), r.text());
        return CheckpointInfo.fromJson(Json.parseObject(r.text()));
    }

    private UnixHttp.Response restore(String ref, String name) {
        Map<String, Object> body = Json.object("checkpoint", ref);
        if (name != null) {
            body.put("name", name);
        }
        return raw("POST", "/v1/restore", Json.write(body));
    }

    private SessionInfo restored(String ref, String name) {
        UnixHttp.Response r = restore(ref, name);
        assertEquals(201, r.status(), r.text());
        return SessionInfo.fromJson(Json.parseObject(r.text()));
    }

    private CheckpointList list() {
        return CheckpointList.fromJson(Json.parseObject(raw("GET", "/v1/checkpoints", null).text()));
    }

    private String logs(String ref) {
        LogsPage page = client.sessions().logs(ref, 0, 0, 1 << 20);
        StringBuilder b = new StringBuilder();
        page.pieces().forEach(e -> b.append(new String(e.data(), StandardCharsets.UTF_8)));
        return b.toString();
    }

    private static List<Integer> numbers(String text) {
        List<Integer> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        return out;
    }

    @Test
    void aCounterGoesOnFromWhereItStoppedWithNoNumberMissingOrRepeated() throws Exception {
        String id = run("name", "counter", "argv", List.of("sh", "-c",
                "i=0; while :; do i=$((i+1)); echo $i; sleep 1; done")).id();
        poll("three numbers", () -> numbers(logs(id)).size() >= 3);
        CheckpointInfo c = checkpoint(id, false, "counting");
        assertTrue(c.digest().matches("sha256:[0-9a-f]{64}"), c.digest());
        assertEquals("counting", c.tag());
        SessionInfo ended = waitExit(id);
        assertEquals(Outcome.CHECKPOINTED, ended.outcome());
        List<Integer> before = numbers(logs(id));

        SessionInfo back = restored("counting", null);
        assertEquals("counter", back.name());
        assertEquals(c.pids().getFirst().longValue(), (long) back.pid());
        poll("two numbers after the restore", () -> numbers(logs(back.id())).size() >= 2);
        List<Integer> all = new ArrayList<>(before);
        all.addAll(numbers(logs(back.id())));
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i + 1, all.get(i), "across the checkpoint: " + all);
        }
        SessionEvent.Restored event = event(SessionEvent.Restored.class, back.id());
        assertEquals(c.digest(), event.digest());
        event(SessionEvent.Checkpointed.class, id);
        assertEquals(1, metric("steward_checkpoints_total{result=\"ok\"}"));
        assertEquals(1, metric("steward_restores_total{result=\"ok\"}"));
    }

    @Test
    void stdinTheTreeHadNotReadGoesWithIt() throws Exception {
        Path flag = home.resolve("go");
        String id = run("argv", List.of("sh", "-c",
                "while [ ! -e " + flag + " ]; do sleep 0.05; done; while read l; do echo got:$l; done")).id();
        client.sessions().send(id, "one\ntwo\n".getBytes(StandardCharsets.US_ASCII), false);
        CheckpointInfo c = checkpoint(id, false, null);
        waitExit(id);
        SessionInfo back = restored(c.digest(), null);
        client.sessions().send(back.id(), "three\n".getBytes(StandardCharsets.US_ASCII), false);
        Files.createFile(flag);
        poll("all three lines, in order", () -> text(back.id()).contains("got:one\ngot:two\ngot:three\n"));
        assertEquals("", text(id), "the first tree read none of it");
    }

    @Test
    void aWebServerListensAgainAfterItsRestore() throws Exception {
        String criu = io.steward.core.CriuProbe.version(io.steward.core.CriuProbe.binary());
        assumeTrue(!criu.startsWith("3.") && !criu.startsWith("4.0") && !criu.startsWith("4.1"),
                "CRIU " + criu + " cannot dump a socket on kernels since 6.16; bin/lib/criu-build builds 4.2");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String id = run("argv", List.of("python3", "-m", "http.server", Integer.toString(port), "--bind",
                "127.0.0.1")).id();
        poll("the server answering", () -> answers(port));
        CheckpointInfo c = checkpoint(id, false, "web");
        waitExit(id);
        assertFalse(answers(port), "the checkpointed server is gone");
        SessionInfo back = restored("web", null);
        poll("the restored server answering", () -> answers(port));
        assertEquals(c.pids().getFirst().longValue(), (long) back.pid());
    }

    private static boolean answers(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII).startsWith("HTTP/1.0 200");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aShellOnATerminalKeepsItsVariable() {
        String id = run("argv", List.of("bash", "--norc", "-i"), "pty", true).id();
        client.sessions().send(id, "VAR=kept-7\n".getBytes(StandardCharsets.US_ASCII), false);
        client.sessions().send(id, "echo set:$VAR\n".getBytes(StandardCharsets.US_ASCII), false);
        poll("the variable set", () -> text(id).contains("set:kept-7"));
        CheckpointInfo c = checkpoint(id, false, null);
        waitExit(id);
        SessionInfo back = restored(c.digest(), null);
        client.sessions().send(back.id(), "echo got:$VAR\n".getBytes(StandardCharsets.US_ASCII), false);
        poll("the variable after the restore", () -> text(back.id()).contains("got:kept-7"));
    }

    @Test
    void aTreeIsRestoredWholeAndStopLeavesNothing() {
        String id = run("argv", List.of("sh", "-c", "sleep 600 & sleep 600 & wait")).id();
        poll("two children", () -> client.sessions().tree(id).processes().size() == 3);
        CheckpointInfo c = checkpoint(id, false, "tree");
        assertEquals(3, c.pids().size(), c.toString());
        waitExit(id);
        SessionInfo back = restored("tree", "tree-back");
        assertEquals(3, client.sessions().tree(back.id()).processes().size());
        List<ProcStat> members = c.pids().stream().map(pid -> ProcStat.read(pid.intValue()).orElseThrow()).toList();
        client.sessions().stop(back.id(), Duration.ofSeconds(2), true);
        for (ProcStat p : members) {
            poll("pid " + p.pid() + " gone", () -> !ProcStat.isAlive(p.pid(), p.startTicks()));
        }
    }

    @Test
    void twoCheckpointsOfAnIdleProcessShareTheirBlobsAndACorruptBlobStartsNothing() throws Exception {
        String id = run("argv", List.of("python3", "-c",
                "import os, sys, time; b = os.urandom(100 << 20); print('ready', flush=True); time.sleep(600)")).id();
        poll("100 MiB touched", () -> text(id).contains("ready"));
        CheckpointInfo first = checkpoint(id, true, null);
        long afterFirst = list().storeBytes();
        assertTrue(afterFirst > 100L << 20, "random pages do not compress: " + afterFirst);
        CheckpointInfo second = checkpoint(id, true, "second");
        long added = list().storeBytes() - afterFirst;
        assertTrue(added <= afterFirst / 20, "the second checkpoint added " + added + " bytes to " + afterFirst);
        assertFalse(first.digest().equals(second.digest()));

        Path blob = largestBlobOf(second);
        byte[] one = new byte[1];
        try (var ch = java.nio.channels.FileChannel.open(blob, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.read(java.nio.ByteBuffer.wrap(one), 1000);
            one[0] ^= 1;
            ch.write(java.nio.ByteBuffer.wrap(one), 1000);
        }
        client.sessions().kill(id);
        waitExit(id);
        int sessionsBefore = names(true).size();
        UnixHttp.Response r = restore("second", "never");
        assertEquals(422, r.status(), r.text());
        Map<String, Object> problem = Json.parseObject(r.text());
        assertEquals("corrupt", problem.get("code"));
        assertTrue(((String) problem.get("detail")).contains(blob.getFileName().toString()), r.text());
        assertEquals(sessionsBefore, names(true).size(), "nothing started");
        assertFalse(ProcStat.read(second.pids().getFirst().intValue()).isPresent(), "no process restored");
        event(SessionEvent.CheckpointFailed.class, null);
    }

    /** The blob of the checkpoint's largest layer, found through its manifest in the store. */
    private Path largestBlobOf(CheckpointInfo c) throws Exception {
        Path blobs = home.resolve("store/blobs/sha256");
        Map<String, Object> manifest = Json.parseObject(Files.readString(blobs.resolve(c.digest().substring(7))));
        String best = null;
        long size = -1;
        for (Object o : (List<?>) manifest.get("layers")) {
            Map<?, ?> layer = (Map<?, ?>) o;
            long s = ((Number) layer.get("size")).longValue();
            if (s > size) {
                size = s;
                best = (String) layer.get("digest");
            }
        }
        return blobs.resolve(best.substring(7));
    }
}
