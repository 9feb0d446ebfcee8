package io.steward.daemon;

import io.steward.api.Event;
import io.steward.api.Json;
import io.steward.api.RunRequestBody;
import io.steward.api.SessionInfo;
import io.steward.api.StdStream;
import io.steward.api.StewardHome;
import io.steward.client.StewardClient;
import io.steward.client.UnixHttp;
import io.steward.daemon.beats.Heartbeats;
import io.steward.daemon.http.ApiServer;
import io.steward.daemon.session.Events;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A real daemon per test, in this JVM, on a socket in its own temporary STEWARD_HOME; closing it
 * stops every session and kills every tree.
 */
abstract class DaemonFixture {
    Path home;
    StewardHome stewardHome;
    Daemon daemon;
    ApiServer server;
    StewardClient client;

    @BeforeEach
    void startDaemon() throws Exception {
        home = Files.createTempDirectory("steward-home", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        stewardHome = new StewardHome(home, home.resolve("steward.sock"));
        daemon = Daemon.open(stewardHome, beats());
        server = ApiServer.start(daemon);
        client = new StewardClient(stewardHome);
    }

    /** The heartbeat listeners this test's daemon runs with. */
    Heartbeats.Config beats() {
        return Heartbeats.Config.DEFAULT;
    }

    /** The first event of {@code type} (about {@code session} unless null) from the stream's start, within 15 s. */
    <E extends Event> E event(Class<E> type, String session) throws InterruptedException {
        try (Events.Subscription sub = daemon.events().subscribe(0)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (System.nanoTime() < deadline) {
                Events.Published e = sub.next(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (e != null && type.isInstance(e.event()) && (session == null || session.equals(sessionOf(e.event())))) {
                    return type.cast(e.event());
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " event" + (session != null ? " for " + session : ""));
    }

    /** The session an event is about, whatever its type; null for one about none. */
    static String sessionOf(Event e) {
        return e.toJson().get("session") instanceof String s ? s : null;
    }

    /** One sample of {@code /metrics}, e.g. {@code steward_beats_total{origin="kernel-attested"}}. */
    long metric(String sample) {
        String text = new String(raw("GET", "/metrics", null).body(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Long.parseLong(line.substring(sample.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + sample + " in /metrics");
    }

    @AfterEach
    void stopDaemon() throws Exception {
        server.close();
        daemon.close();
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Starts a session; {@code options} are the fields of its run request, name then value. */
    SessionInfo run(Object... options) {
        return runOn(client, options);
    }

    /** Starts a session through {@code c} (a daemon of the test's own); {@code options} as for {@link #run}. */
    static SessionInfo runOn(StewardClient c, Object... options) {
        return c.sessions().run(RunRequestBody.fromJson(Json.object(options)));
    }

    UnixHttp.Response raw(String method, String path, String body) {
        return client.raw(method, path, "application/json", body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** The output of {@code stream} (stdout, or a terminal's, when null) from a cursor. */
    byte[] output(String ref, StdStream stream, long cursor) {
        return client.sessions().output(ref, stream, cursor, 1 << 20).data();
    }

    String text(String ref) {
        return new String(output(ref, null, 0), StandardCharsets.ISO_8859_1);
    }

    /** The names of the sessions listed (running ones, or all), in the daemon's order. */
    List<String> names(boolean all) {
        return client.sessions().list(all, null).stream().map(SessionInfo::name).toList();
    }

    SessionInfo waitExit(String ref) {
        return client.sessions().await(ref, Duration.ofSeconds(20));
    }

    /** The argv of a Java main class of the tests run as a session's child (or anywhere else). */
    static java.util.List<String> javaChild(String main, String... args) {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of(ExternalDaemon.java(), "-cp",
                ExternalDaemon.classPath(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", main));
        argv.addAll(java.util.List.of(args));
        return argv;
    }

    static void poll(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
