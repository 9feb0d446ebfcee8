package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.Json;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.SessionSamples;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.UsageHistory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage history behind the dashboard's charts: real samples of a real process, an hour kept at most. */
class UsageSamplesTest {
    @TempDir
    Path tmp;

    @Test
    void aBusySessionHasSamplesOfItsCpuAndMemory() throws Exception {
        Path home = tmp.resolve("home");
        StewardHome stewardHome = new StewardHome(home, home.resolve("steward.sock"));
        try (Daemon daemon = Daemon.open(stewardHome, Duration.ofMillis(50), Duration.ofMillis(100));
                ApiServer server = ApiServer.start(daemon)) {
            StewardClient client = new StewardClient(stewardHome);
            SessionInfo busy = client.sessions().run(RunRequestBody.fromJson(Json.object(
                    "argv", List.of("sh", "-c", "while :; do :; done"), "name", "busy")));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            SessionSamples samples = client.sessions().samples("busy");
            while (samples.size() < 5 || samples.cpuMs().getLast() == 0) {
                assertTrue(System.nanoTime() < deadline, "5 samples within 20 s: " + samples);
                Thread.onSpinWait();
                samples = client.sessions().samples("busy");
            }
            assertEquals(busy.id(), samples.session());
            assertEquals(Duration.ofMillis(100), samples.period());
            for (int i = 1; i < samples.size(); i++) {
                assertTrue(samples.atMs().get(i) >= samples.atMs().get(i - 1), "oldest first: " + samples.atMs());
                assertTrue(samples.cpuMs().get(i) >= samples.cpuMs().get(i - 1), "cumulative: " + samples.cpuMs());
                assertTrue(samples.rssBytes().get(i) > 0, "a live tree has memory: " + samples.rssBytes());
            }
            assertEquals(0.0, samples.cpuPercent().getFirst(), "nothing to compare the first with");
            assertTrue(samples.cpuPercent().stream().anyMatch(p -> p > 0), "a busy loop uses CPU: " + samples.cpuPercent());
            assertEquals(samples.toJson(), SessionSamples.fromJson(samples.toJson()).toJson());
            assertEquals(404, client.raw("GET", "/v1/sessions/nope/samples", null, null).status());
        }
    }

    @Test
    void theHistoryKeepsTheLastHourOldestFirst() {
        UsageHistory h = new UsageHistory();
        long second = 1_000_000_000L;
        for (int i = 0; i < UsageHistory.CAPACITY + 40; i++) {
            // half a core for the first 100 samples, then a restart: the tree's time begins again at 0
            long cpu = i < 100 ? i * 5_000_000L : (i - 100) * 1_000_000L;
            h.add(1_000L * i, i * 10 * second, cpu, 4096L + i);
        }
        UsageHistory.Columns c = h.columns();
        assertEquals(UsageHistory.CAPACITY, c.atMs().length);
        assertEquals(40_000L, c.atMs()[0], "the 40 oldest went");
        assertEquals(1_000L * (UsageHistory.CAPACITY + 39), c.atMs()[UsageHistory.CAPACITY - 1]);
        assertEquals(4096L + 40, c.rssBytes()[0]);
        assertEquals(50_000, c.cpuMilliPercent()[99 - 40], "5 s of CPU in 10 s: 50 %");
        assertEquals(0, c.cpuMilliPercent()[100 - 40], "restarted at 0: nothing used yet");
        assertEquals(10_000, c.cpuMilliPercent()[101 - 40], "1 s in 10 s: 10 %");
    }
}
