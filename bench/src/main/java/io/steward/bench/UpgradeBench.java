package io.steward.bench;

import io.steward.api.DaemonEvent;
import io.steward.api.HealthInfo;
import io.steward.api.Json;
import io.steward.api.OutputChunk;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.StewardHome;
import io.steward.api.UpgradeStarted;
import io.steward.client.EventQuery;
import io.steward.client.StewardClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code bench/run upgrade}: the daemon replaced in place while it holds many sessions' output, and
 * while a writer runs at full speed.
 *
 * <ul>
 *   <li>{@code upgrade-window}: from the upgrade request to the first request the new daemon serves
 *       (its health), with {@code SESSIONS} sessions holding {@code MIB} MiB of output each;
 *   <li>{@code upgrade-unserved}: the part of it the API served nobody, as the daemon-upgraded event says;
 *   <li>{@code upgrade-bytes-lost}: a {@code seq} writing as fast as it can into a backpressure ring
 *       (its log writer the consumer that frees it), through {@code WRITER_UPGRADES} upgrades: the bytes its ring lacks against what {@code seq}
 *       wrote up to its last line (0: every byte arrived, once, in order).
 * </ul>
 */
final class UpgradeBench {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private UpgradeBench() {}

    static void run(int sessions, int mib, int rounds, int writerUpgrades) throws Exception {
        StewardClient c = new StewardClient(StewardHome.fromEnvironment());
        long bytes = (long) mib << 20;
        for (int i = 0; i < sessions; i++) {
            c.sessions().run(RunRequestBody.fromJson(Json.object("name", "hold-" + i, "argv", List.of("sh", "-c",
                    "head -c " + bytes + " /dev/zero | tr '\\0' x; exec sleep 3600"), "ringBytes", bytes)));
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (c.sessions().list(false, null).stream().mapToLong(SessionInfo::bufferedBytes).sum() < sessions * bytes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the sessions did not fill their rings");
            }
            Thread.sleep(50);
        }
        for (int r = 0; r < rounds; r++) {
            long[] window = upgrade(c);
            System.out.println("upgrade-window " + window[0] + " ms");
            System.out.println("upgrade-unserved " + window[1] + " ms");
        }
        for (int i = 0; i < sessions; i++) {
            c.sessions().kill("hold-" + i);
        }
        System.out.println("upgrade-bytes-lost " + writerThroughUpgrades(c, writerUpgrades) + " bytes");
    }

    /** One upgrade: {request to served, unserved} in milliseconds. */
    private static long[] upgrade(StewardClient c) {
        long last = c.daemon().health().lastEventSeq();
        long began = System.nanoTime();
        UpgradeStarted started = c.daemon().upgrade(List.of());
        HealthInfo h = c.daemon().awaitUpgraded(started, WAIT);
        long served = (System.nanoTime() - began) / 1_000_000;
        long[] unserved = {-1};
        // The event is published as the new daemon serves: it may come just after the health read.
        c.daemon().events(new EventQuery(last, -1, List.of("daemon")), e -> {
            if (e instanceof DaemonEvent.Upgraded u) {
                unserved[0] = u.window().toMillis();
                return false;
            }
            return true;
        });
        return new long[] {served, unserved[0]};
    }

    private static long writerThroughUpgrades(StewardClient c, int upgrades) throws Exception {
        SessionInfo s = c.sessions().run(RunRequestBody.fromJson(Json.object("name", "writer", "argv",
                List.of("seq", "1", "100000000000"), "overflow", "backpressure")));
        for (int i = 0; i < upgrades; i++) {
            upgrade(c);
        }
        c.sessions().kill(s.id());
        c.sessions().await(s.id(), WAIT);
        SessionInfo end = c.sessions().get(s.id());
        long total = c.sessions().output(s.id(), null, 0, 1).end();
        OutputChunk tail = c.sessions().output(s.id(), null, Math.max(0, total - 64), 64);
        String text = new String(tail.data(), StandardCharsets.US_ASCII);
        int lastNewline = text.lastIndexOf('\n');
        String[] lines = text.substring(0, lastNewline).split("\n");
        long n = Long.parseLong(lines[lines.length - 1]);
        String partial = text.substring(lastNewline + 1);
        if (!Long.toString(n + 1).startsWith(partial)) {
            throw new IllegalStateException("the ring ends with '" + partial + "' after " + n);
        }
        long expected = bytesOfLines(n) + partial.length();
        System.err.println("  writer: " + n + " lines, " + total + " bytes in its ring, " + end.droppedBytes()
                + " dropped, " + upgrades + " upgrades");
        return Math.abs(expected - total) + end.droppedBytes();
    }

    /** The bytes {@code seq 1 n} writes: every number's digits and its newline. */
    static long bytesOfLines(long n) {
        long total = 0;
        long low = 1;
        for (int digits = 1; low <= n; digits++, low *= 10) {
            long high = Math.min(n, low * 10 - 1);
            total += (high - low + 1) * (digits + 1);
        }
        return total;
    }
}
