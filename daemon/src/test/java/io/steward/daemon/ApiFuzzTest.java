package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.steward.api.ErrorCode;
import io.steward.api.HealthInfo;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A smoke fuzz of the HTTP API over its socket: thousands of random, malformed and oversized
 * requests, from several connections at once. Every answer must be a well-formed HTTP response,
 * never a server error, and every refusal a problem document with a stable code; the daemon and
 * the sessions it runs come out of it untouched. The seed is printed, and {@code -Dfuzz.seed=N}
 * replays a run.
 */
class ApiFuzzTest extends DaemonFixture {
    private static final int REQUESTS = 4000;
    private static final int WORKERS = 4;
    private static final Duration BUDGET = Duration.ofSeconds(45);
    private static final Duration PER_REQUEST = Duration.ofSeconds(10);
    private static final Set<String> CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
            .collect(Collectors.toSet());
    private static final List<String> FIELDS = List.of("argv", "name", "label", "pty", "rows", "cols", "cwd", "env",
            "clearEnv", "mergeStderr", "ringBytes", "overflow", "maxLifetimeMs", "idleTimeoutMs", "retainMs", "graceMs",
            "restart", "signal", "timeoutMs", "wait", "olderThanMs", "type", "stream");
    private static final List<String> ACTIONS = List.of("", "output", "logs", "stdin", "signal", "stop", "kill", "resize",
            "wait", "attach", "flush");
    private static final List<String> TOP = List.of("health", "capabilities", "beats", "events", "flush", "save",
            "resurrect", "apply", "purge", "kill-older", "daemon", "sessions", "sessions", "sessions", "sessions",
            "metrics");
    private static final List<String> METHODS = List.of("GET", "GET", "GET", "POST", "POST", "POST", "DELETE", "PUT",
            "PATCH", "HEAD", "OPTIONS", "get", "post", "FROB", "M-SEARCH", "TRACE");
    private static final List<String> QUERY_KEYS = List.of("cursor", "max", "stream", "eof", "all", "label", "steal",
            "readOnly", "stderrCursor", "since", "x", "");

    private String sleepId;
    private String shId;
    private List<String> liveRefs;
    private HostileRequests hostile;

    @Test
    void randomRequestsNeverBreakTheDaemon() throws Exception {
        SessionInfo sleep = run("argv", List.of("sleep", "600"), "name", "fuzz-sleep");
        SessionInfo sh = run("argv", List.of("sh"), "pty", true, "name", "fuzz-sh");
        sleepId = sleep.id();
        shId = sh.id();
        liveRefs = List.of(sleepId, shId, sleepId.substring(0, 6), shId.substring(0, 9), "fuzz-sleep", "fuzz-sh");
        hostile = new HostileRequests("fuzz-sleep", shId);

        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("ApiFuzzTest seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        long deadline = System.nanoTime() + BUDGET.toNanos();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger oversized = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, Integer> statuses = Collections.synchronizedMap(new java.util.TreeMap<>());
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                Random random = new Random(seed + w);
                workers.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline && failures.size() < 50) {
                        int n = sent.getAndIncrement();
                        if (n >= REQUESTS) {
                            return null;
                        }
                        boolean huge = n % 700 == 350 && oversized.incrementAndGet() <= 6;
                        Req req = generate(random, huge);
                        String problem = check(req, statuses);
                        if (problem != null) {
                            failures.add(problem);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.println("ApiFuzzTest: " + Math.min(sent.get(), REQUESTS) + " requests, statuses " + statuses);
        assertTrue(failures.isEmpty(), failures.size() + " bad answers (seed " + seed + "):\n"
                + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        assertTrue(sent.get() >= 1000, "too few requests within the budget: " + sent.get());

        assertEquals(HealthInfo.Status.OK, client.daemon().health().status());
        for (SessionInfo before : List.of(sleep, sh)) {
            SessionInfo now = client.sessions().get(before.id());
            assertEquals(SessionInfo.Phase.RUNNING, now.phase(), "session " + before.name());
            assertEquals(before.pid(), now.pid(), "session " + before.name());
        }
        assertEquals(200, client.raw("POST", "/v1/sessions/" + shId + "/stdin", "application/octet-stream",
                "echo alive-$((3*3))\n".getBytes(StandardCharsets.UTF_8)).status());
        poll("the shell still answering", () -> text(shId).contains("alive-9"));
        String metrics = client.raw("GET", "/metrics", null, null).text();
        assertTrue(metrics.contains("steward_errors_total{code=\"internal\"} 0\n"), metrics);
    }

    /**
     * One request as bytes, and what it is for the failure message; {@code refusal} is the only
     * right answer to a request wrong in one known way (null for garbage, which only must not break).
     */
    record Req(String method, String target, byte[] head, byte[] body, boolean protocolLevel, boolean huge,
            String what, HostileRequests.Hostile refusal) {
        Req(String method, String target, byte[] head, byte[] body, boolean protocolLevel, boolean huge, String what) {
            this(method, target, head, body, protocolLevel, huge, what, null);
        }
    }

    /** A request wrong in exactly one way (null, a wrong type, a huge number, a bad string, query or method). */
    private Req hostile(Random r) {
        HostileRequests.Hostile h = hostile.next(r);
        StringBuilder head = new StringBuilder(h.method() + " " + h.target() + " HTTP/1.1\r\nHost: localhost\r\n");
        if (h.headers().stream().noneMatch(l -> l.startsWith("Connection:"))) {
            head.append("Connection: close\r\n");
        }
        h.headers().forEach(l -> head.append(l).append("\r\n"));
        if (h.body() != null) {
            head.append("Content-Length: ").append(h.body().length).append("\r\n");
        }
        head.append("\r\n");
        return new Req(h.method(), h.target(), head.toString().getBytes(StandardCharsets.UTF_8), h.body(), false, false,
                h.what(), h);
    }

    private Req generate(Random r, boolean huge) {
        if (huge) {
            String target = pick(r, List.of("/v1/sessions", "/v1/sessions/" + sleepId + "/stdin",
                    "/v1/sessions/" + shId + "/resize"));
            byte[] body = body(r, true);
            boolean chunked = r.nextBoolean();
            String head = "POST " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            return new Req("POST", target, head.getBytes(StandardCharsets.US_ASCII), chunked ? chunked(r, body) : body,
                    false, true, "POST " + target + " body " + body.length + " bytes" + (chunked ? " chunked" : ""));
        }
        if (r.nextInt(8) == 0) {
            return wellFormed(r);
        }
        if (r.nextInt(4) == 0) {
            return hostile(r);
        }
        String method = pick(r, METHODS);
        List<String> segments = new ArrayList<>();
        int shape = r.nextInt(10);
        if (shape < 6) {
            segments.add("v1");
            segments.add("sessions");
            segments.add(ref(r));
            String action = r.nextInt(8) == 0 ? word(r) : pick(r, ACTIONS);
            if (!action.isEmpty()) {
                segments.add(action);
            }
            if (r.nextInt(12) == 0) {
                segments.add(segment(r));
            }
        } else if (shape < 8) {
            String top = pick(r, TOP);
            if (!top.equals("metrics")) {
                segments.add("v1");
            }
            segments.add(top);
            if (top.equals("daemon") || r.nextInt(6) == 0) {
                segments.add(r.nextBoolean() ? "stop" : segment(r));
            }
        } else {
            int n = r.nextInt(7);
            for (int i = 0; i < n; i++) {
                segments.add(r.nextInt(3) == 0 ? pick(r, List.of("v1", "sessions", "output", "..", ".", "", "health"))
                        : r.nextBoolean() ? segment(r) : ref(r));
            }
        }
        String path = "/" + String.join("/", segments);
        String query = query(r);
        String target = path + query;

        // Keep the fuzz from doing what it is allowed to do: stopping the daemon or the two sessions under test.
        if (dangerous(segments)) {
            method = "GET";
        }
        if (method.equals("FROB") && r.nextInt(4) == 0) {
            method = "FR\u00d6B"; // not a token
        }
        boolean protocolLevel = refusedByHttpLayer(method, path, target);

        byte[] body = body(r, huge);
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        int ct = r.nextInt(6);
        if (ct < 3) {
            head.append("Content-Type: application/json\r\n");
        } else if (ct == 3) {
            head.append("Content-Type: application/octet-stream\r\n");
        } else if (ct == 4) {
            head.append("Content-Type: text/plain; charset=\u00ff\r\n");
        }
        if (segments.contains("attach") && r.nextInt(4) == 0) {
            head.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        }
        if (r.nextInt(40) == 0) {
            head.append("Expect: 100-continue\r\n");
        }
        byte[] wire = body;
        if (body != null) {
            if (r.nextInt(5) == 0) {
                head.append("Transfer-Encoding: chunked\r\n");
                wire = chunked(r, body);
            } else {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
        }
        head.append("\r\n");
        String what = method + " " + (target.length() > 200 ? target.substring(0, 200) + "...(" + target.length() + ")"
                : target) + (body == null ? "" : " body " + describe(body));
        return new Req(method, target, head.toString().getBytes(StandardCharsets.ISO_8859_1), wire, protocolLevel, false,
                what);
    }

    /** A request the API accepts, so state changes mix with the garbage. */
    private Req wellFormed(Random r) {
        String live = pick(r, liveRefs);
        String[] choice = switch (r.nextInt(9)) {
            case 0 -> new String[] {"GET", "/v1/sessions/" + live + "/output?cursor=" + r.nextInt(100) + "&max="
                    + r.nextInt(70_000), null};
            case 7 -> new String[] {"GET", "/v1/sessions/" + live + "/logs?stdout=" + r.nextInt(100) + "&stderr="
                    + r.nextInt(100) + "&max=" + r.nextInt(70_000), null};
            case 1 -> new String[] {"GET", "/v1/sessions?all=true", null};
            case 2 -> new String[] {"GET", "/v1/sessions/" + live, null};
            case 3 -> new String[] {"POST", "/v1/sessions", Json.write(Json.object("argv", argv(r), "pty",
                    r.nextBoolean()))};
            case 4 -> new String[] {"POST", "/v1/sessions/" + shId + "/resize", Json.write(Json.object("rows",
                    (long) 1 + r.nextInt(200), "cols", (long) 1 + r.nextInt(300)))};
            case 5 -> new String[] {"POST", "/v1/sessions/" + sleepId + "/stdin", word(r)};
            case 6 -> new String[] {"POST", "/v1/purge", null};
            default -> new String[] {"GET", pick(r, List.of("/v1/health", "/v1/capabilities", "/metrics")), null};
        };
        byte[] body = choice[2] == null ? null : choice[2].getBytes(StandardCharsets.UTF_8);
        String head = choice[0] + " " + choice[1] + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                + "\r\n";
        return new Req(choice[0], choice[1], head.getBytes(StandardCharsets.US_ASCII), body, false, false,
                choice[0] + " " + choice[1] + (choice[2] == null ? "" : " body " + choice[2]));
    }

    /**
     * Requests Jetty refuses before any handler runs (ambiguous or badly encoded paths, a request
     * line beyond the header limit, a method that is not a token): its own error page answers them.
     */
    static boolean refusedByHttpLayer(String method, String path, String target) {
        String lower = path.toLowerCase(Locale.ROOT);
        return target.length() > 7000 || !method.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+") || method.equals("CONNECT")
                || lower.contains("//") || lower.contains(";") || lower.matches(".*%(?![0-9a-f]{2}).*")
                || lower.contains("%00") || lower.contains("%2f") || lower.contains("%25") || lower.contains("%2e")
                || lower.contains("/..");
    }

    /** True for what would stop the daemon, every session, or one of the two under test, or type into the shell. */
    private boolean dangerous(List<String> segments) {
        if (segments.contains("daemon") || segments.contains("kill-older")) {
            return true;
        }
        boolean live = segments.stream().anyMatch(liveRefs::contains);
        boolean shell = segments.contains(shId) || segments.contains(shId.substring(0, 9)) || segments.contains("fuzz-sh");
        return live && segments.stream().anyMatch(s -> Set.of("stop", "kill", "signal", "wait").contains(s))
                || shell && segments.contains("stdin")
                || segments.contains("..") && live;
    }

    private String ref(Random r) {
        return switch (r.nextInt(12)) {
            case 0, 1, 2 -> pick(r, liveRefs);
            case 3 -> base32(r, 26);
            case 4 -> base32(r, 6 + r.nextInt(20));
            case 5 -> "x".repeat(65 + r.nextInt(300));
            case 6 -> base32(r, 26).repeat(2 + r.nextInt(150));
            case 7 -> sleepId.toUpperCase(Locale.ROOT);
            case 8 -> pick(r, List.of("%00", "%2e%2e", "%F0%9F%92%A9", "a%20b", "%2F", "-", "_x", "@", ":", "%25"));
            default -> segment(r);
        };
    }

    private static String segment(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> word(r);
            case 1 -> Long.toString(r.nextLong());
            case 2 -> pick(r, List.of("", ".", "..", "%zz", "%", "~", "*", "$", "!", "'", "(", ")", ";", "=", ","));
            case 3 -> "a".repeat(1 + r.nextInt(9000));
            default -> pick(r, List.of("v1", "sessions", "output", "stdin", "health", "attach", "events", "metrics"));
        };
    }

    private static String word(Random r) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@:-";
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(20);
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }

    private static String base32(Random r, int n) {
        String chars = "abcdefghijklmnopqrstuvwxyz234567";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(chars.charAt(r.nextInt(chars.length())));
        }
        return b.toString();
    }

    private static String query(Random r) {
        int n = r.nextInt(4);
        if (n == 0) {
            return r.nextInt(10) == 0 ? "?" : "";
        }
        StringBuilder b = new StringBuilder("?");
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append('&');
            }
            b.append(pick(r, QUERY_KEYS)).append('=');
            b.append(switch (r.nextInt(10)) {
                case 0 -> Long.toString(r.nextLong());
                case 1 -> "-1";
                case 2 -> "99999999999999999999999";
                case 3 -> pick(r, List.of("true", "false", "stdout", "stderr", "pty", "", "null"));
                case 4 -> "%41%2F%3D%26";
                case 5 -> "%C3%A9%00+%E2%82%AC";
                case 6 -> Integer.toString(r.nextInt(1 << 21));
                case 7 -> "1e9";
                default -> word(r);
            });
        }
        return b.toString();
    }

    private byte[] body(Random r, boolean huge) {
        if (huge) {
            byte[] b = new byte[4 * 1024 * 1024 + 1 + r.nextInt(2 * 1024 * 1024)];
            r.nextBytes(b);
            if (r.nextBoolean()) {
                Arrays.fill(b, (byte) ' ');
                b[0] = '{';
            }
            return b;
        }
        return switch (r.nextInt(12)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> {
                byte[] b = new byte[r.nextInt(3000)];
                r.nextBytes(b);
                yield b;
            }
            case 3 -> {
                String j = Json.write(jsonObject(r, 0));
                yield j.substring(0, r.nextInt(j.length() + 1)).getBytes(StandardCharsets.UTF_8);
            }
            case 4 -> ("[".repeat(1 + r.nextInt(200)) + "]".repeat(r.nextInt(200))).getBytes(StandardCharsets.UTF_8);
            case 5 -> pick(r, List.of("null", "true", "1", "\"x\"", "[]", "{", "}", "{\"a\":}", "{\"a\" 1}",
                    "{\"argv\":[\"true\"],\"argv\":[\"true\"]}", "{\"rows\":1e999999}", "{\"max\":-0}",
                    "{\"olderThanMs\":123456789012345678901234567890}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u12\"}",
                    "{\"a\":\"\u0001\"}", "\u00ef\u00bb\u00bf{}", "{}garbage", "{\"argv\":[\"true\"]} {}"))
                    .getBytes(StandardCharsets.UTF_8);
            case 6 -> ("{\"label\":\"" + "y".repeat(r.nextInt(100_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            default -> Json.write(jsonObject(r, 0)).getBytes(StandardCharsets.UTF_8);
        };
    }

    private Map<String, Object> jsonObject(Random r, int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String k = r.nextInt(6) == 0 ? word(r) : pick(r, FIELDS);
            m.put(k, k.equals("argv") && r.nextBoolean() ? argv(r) : value(r, depth));
        }
        return m;
    }

    /** Commands the fuzz may start: quick to end, or no command at all. */
    private static Object argv(Random r) {
        return pick(r, List.of(List.of("true"), List.of("sh", "-c", "exit 3"), List.of("zz-fuzz-no-such-command"),
                List.of("/nonexistent/zz-fuzz"), List.of(""), List.of(), List.of("true", "x".repeat(10_000))));
    }

    private Object value(Random r, int depth) {
        return switch (r.nextInt(depth > 3 ? 8 : 10)) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextLong();
            case 3 -> pick(r, List.of(0L, -1L, 1L, 24L, 10_000L, 10_001L, Long.MAX_VALUE, Long.MIN_VALUE, 4096L,
                    67_108_864L, 67_108_865L));
            case 4 -> r.nextDouble() * 1e300;
            case 5 -> pick(r, List.of("TERM", "KILL", "STOP", "SIGINT", "0", "-9", "drop-oldest", "backpressure",
                    "never", "always", "/", "relative", "stdout", "resize", "detach", ""));
            case 6 -> word(r);
            case 7 -> "\u0000\u00e9\u2028\ud83d\ude00";
            case 8 -> Arrays.asList(value(r, depth + 1), value(r, depth + 1));
            default -> jsonObject(r, depth + 1);
        };
    }

    static byte[] chunked(Random r, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int off = 0;
        while (off < body.length) {
            int n = Math.min(body.length - off, 1 + r.nextInt(Math.max(1, Math.min(body.length, 256 * 1024))));
            b.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.write(body, off, n);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            off += n;
        }
        b.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    private static String describe(byte[] body) {
        if (body.length > 120) {
            return body.length + " bytes";
        }
        return "'" + new String(body, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }

    /** Sends one request and judges the answer; returns what was wrong, or null. */
    private String check(Req req, Map<Integer, Integer> statuses) {
        WsWire.Reply reply;
        try {
            reply = WsWire.exchange(stewardHome.socket(), req.head(), req.body(), PER_REQUEST,
                    req.method().equals("HEAD"));
        } catch (AssertionError | Exception e) {
            return req.what() + " -> " + e;
        }
        statuses.merge(reply.status(), 1, Integer::sum);
        int status = reply.status();
        String where = req.what() + " -> " + reply.statusLine() + " " + reply.contentType() + " "
                + (reply.body().length > 300 ? new String(reply.body(), 0, 300, StandardCharsets.UTF_8) : reply.text());
        if (status >= 500 && !(status == 501 && reply.text().contains("\"code\":\"unsupported\""))) {
            return "server error: " + where;
        }
        if (req.huge() && !(status == 413 && reply.text().contains("\"code\":\"too-large\""))) {
            return "an oversized body was not refused as too-large: " + where;
        }
        HostileRequests.Hostile refusal = req.refusal();
        if (refusal != null && (status != refusal.status()
                || !reply.text().contains("\"code\":\"" + refusal.code() + "\""))) {
            return "not refused as " + refusal.status() + " " + refusal.code() + ": " + where;
        }
        if (refusal != null && status == 405 && reply.headers().get("allow") == null) {
            return "405 without Allow: " + where;
        }
        if (status >= 400) {
            if (req.protocolLevel() && !reply.contentType().startsWith("application/problem+json")) {
                return null; // refused by the HTTP layer before the API saw it
            }
            if (!reply.contentType().startsWith("application/problem+json")) {
                return "not a problem document: " + where;
            }
            if (req.method().equals("HEAD")) {
                return null;
            }
            try {
                Map<String, Object> p = Json.parseObject(reply.text());
                if (!(p.get("code") instanceof String code) || !CODES.contains(code)) {
                    return "no stable code: " + where;
                }
                if (!(p.get("status") instanceof Long s) || s != status) {
                    return "status field disagrees: " + where;
                }
            } catch (RuntimeException e) {
                return "unparseable problem (" + e.getMessage() + "): " + where;
            }
            return null;
        }
        if (status >= 200 && status < 300 && reply.bodyComplete() && !req.method().equals("HEAD")
                && reply.contentType().startsWith("application/json")) {
            try {
                Json.parse(reply.text());
            } catch (RuntimeException e) {
                return "unparseable JSON (" + e.getMessage() + "): " + where;
            }
        }
        return null;
    }
}
