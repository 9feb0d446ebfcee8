package io.steward.daemon;

import io.steward.api.BoolType;
import io.steward.api.BytesType;
import io.steward.api.LongBytesType;
import io.steward.api.ChoiceType;
import io.steward.api.IntType;
import io.steward.api.MillisType;
import io.steward.api.ObserveType;
import io.steward.api.OptionType;
import io.steward.api.RunOptions;
import io.steward.api.TextListType;
import io.steward.api.TextMapType;
import io.steward.api.TextType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Requests that are right in every way but one, which the API must refuse with 400
 * {@code invalid-input}: JSON null in any field of any body, a value of the wrong type, a number
 * out of range (2^53, a long's limits, beyond a long, a fraction), a string with a NUL or half a
 * surrogate pair, bytes that are not UTF-8, an unknown field, a bad or unknown query parameter. The
 * fuzz mixes them with its garbage; only refusal is a right answer, so silent acceptance is caught
 * as surely as a crash.
 */
final class HostileRequests {
    /**
     * One request: its method, target, extra header lines and body (null for none), and the status
     * and code of the only right answer.
     */
    record Hostile(String method, String target, List<String> headers, byte[] body, String what, int status,
            String code) {
        Hostile(String method, String target, List<String> headers, byte[] body, String what) {
            this(method, target, headers, body, what, 400, "invalid-input");
        }
    }

    /** What a field holds, which decides what is hostile to it. */
    enum Type { STRING, C_STRING, INT, DURATION, BOOL, STRINGS, C_STRINGS, C_STRING_MAP, OBJECT, ARRAY }

    record Field(String name, Type type) {}

    /** A body: where it goes, its fields, and a valid value of each (JSON text) for the fields not under test. */
    record Body(String method, String target, List<Field> fields, String required) {}

    /** The run request's fields, from the table of run options: a new option is attacked as soon as it exists. */
    static final List<Field> RUN_FIELDS = RunOptions.ALL.stream().map(o -> f(o.wire(), type(o.type()))).toList();

    /** What is hostile to a run option follows from its type. */
    private static Type type(OptionType<?> t) {
        return switch (t) {
            case BoolType b -> Type.BOOL;
            case IntType i -> Type.INT;
            case BytesType b -> Type.INT;
            case LongBytesType b -> Type.INT;
            case MillisType m -> Type.DURATION;
            case ChoiceType<?> c -> Type.STRING;
            case TextType x -> x.cString() ? Type.C_STRING : Type.STRING;
            case TextListType l -> l.cString() ? Type.C_STRINGS : Type.STRINGS;
            case TextMapType m -> Type.C_STRING_MAP;
            case ObserveType o -> Type.STRINGS;
        };
    }

    private static final List<String> WRONG_TYPES = List.of("\"x\"", "1", "true", "[]", "{}", "[1]", "{\"a\":1}");
    private static final List<String> BAD_NUMBERS = List.of("-1", "9007199254740992", "9223372036854775807",
            "-9223372036854775808", "123456789012345678901234567890", "1.5", "1e308", "-0.0");
    private static final List<String> BAD_STRINGS = List.of("\"\\ud800\"", "\"a\\udc00\"", "\"\\ud83d\\u0041\"",
            "\"\\ude00\\ud83d\"");
    private static final List<String> NUL_STRINGS = List.of("\"a\\u0000b\"", "\"/tmp/\\u0000\"");
    private static final List<byte[]> NOT_UTF8 = List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0x80},
            new byte[] {(byte) 0xc0, (byte) 0xaf}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            new byte[] {(byte) 0xe2, (byte) 0x82}, new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80});
    /** Marks where raw bytes that are not UTF-8 go inside a JSON string. */
    private static final String RAW = "\u0001RAW\u0001";

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE",
            "PROPFIND", "CONNECT2", "get");

    private final List<Body> bodies = new ArrayList<>();
    /** Every path, with the methods it takes. */
    private final List<String[]> routes = new ArrayList<>();
    private final List<String[]> queries = new ArrayList<>();
    private final byte[][] notUtf8 = NOT_UTF8.toArray(new byte[0][]);

    /**
     * @param live a running pipe session that may be signalled, stopped or written to only if the API is broken
     * @param pty a running pty session, for resize
     */
    HostileRequests(String live, String pty) {
        String s = "/v1/sessions/" + live;
        bodies.add(new Body("POST", "/v1/sessions", RUN_FIELDS, "\"argv\":[\"true\"]"));
        bodies.add(new Body("POST", s + "/signal", List.of(f("signal", Type.STRING)), ""));
        bodies.add(new Body("POST", s + "/stop", List.of(f("graceMs", Type.DURATION), f("wait", Type.BOOL)), ""));
        bodies.add(new Body("POST", s + "/wait", List.of(f("timeoutMs", Type.DURATION), f("for", Type.STRING)),
                "\"timeoutMs\":1"));
        bodies.add(new Body("POST", "/v1/sessions/" + pty + "/resize", List.of(f("rows", Type.INT),
                f("cols", Type.INT)), "\"rows\":24,\"cols\":80"));
        bodies.add(new Body("POST", "/v1/kill-older", List.of(f("olderThanMs", Type.DURATION)), ""));
        bodies.add(new Body("POST", "/v1/daemon/stop", List.of(f("graceMs", Type.DURATION)), ""));
        bodies.add(new Body("POST", "/v1/apply", List.of(f("apps", Type.ARRAY), f("dryRun", Type.BOOL),
                f("allowEmpty", Type.BOOL)), "\"apps\":[],\"dryRun\":true,\"allowEmpty\":true"));
        for (String target : List.of(s + "/kill", s + "/flush", "/v1/purge", "/v1/save", "/v1/resurrect", "/v1/flush")) {
            bodies.add(new Body("POST", target, List.of(), ""));
        }
        String[] q = {
            "GET /v1/events?since=abc", "GET /v1/events?since=-1", "GET /v1/events?since=1.5", "GET /v1/events?since=",
            "GET /v1/events?since=99999999999999999999", "GET /v1/events?since=%2B5", "GET /v1/sessions?all=yes",
            "GET /v1/sessions?all=1", "GET /v1/sessions?all=TRUE", "GET /v1/sessions?all=", "GET /v1/sessions?bogus=1",
            "GET /v1/health?x=1", "GET /v1/capabilities?since=1", "GET /v1/beats?all=true", "GET /metrics?format=json",
            "GET " + s + "?all=true", "GET " + s + "/output?cursor=-1", "GET " + s + "/output?cursor=abc",
            "GET " + s + "/output?max=1.5", "GET " + s + "/output?max=-5", "GET " + s + "/output?cursor=1&cursor=2",
            "GET " + s + "/output?stream=stdin", "GET " + s + "/output?stream=STDOUT", "GET " + s + "/output?cursr=1",
            "POST " + s + "/stdin?eof=yes", "POST " + s + "/stdin?eof=1", "POST " + s + "/stdin?eof=",
            "POST " + s + "/stdin?close=true", "GET " + s + "/attach?steal=yes", "GET " + s + "/attach?readOnly=1",
            "GET " + s + "/attach?cursor=-1", "GET " + s + "/attach?stderrCursor=x", "GET " + s + "/attach?follow=1",
            "GET /v1/events?category=proces", "GET /v1/events?category=", "GET /v1/events?category=process,",
            "GET /v1/events?until=-2", "GET " + s + "/events?category=all", "GET " + s + "/tree?depth=1",
        };
        for (String line : q) {
            queries.add(line.split(" ", 2));
        }
        for (String[] route : new String[][] {{"/metrics", "GET"}, {"/v1/health", "GET"}, {"/v1/capabilities", "GET"},
            {"/v1/beats", "GET"}, {"/v1/events", "GET"}, {"/v1/flush", "POST"}, {"/v1/save", "POST"},
            {"/v1/resurrect", "POST"}, {"/v1/apply", "POST"}, {"/v1/purge", "POST"}, {"/v1/kill-older", "POST"},
            {"/v1/daemon/stop", "POST"}, {"/v1/sessions", "GET, POST"}, {s, "DELETE, GET"},
            {"/v1/sessions/zz-no-such", "DELETE, GET"}, {s + "/output", "GET"}, {s + "/stdin", "POST"},
            {s + "/signal", "POST"}, {s + "/stop", "POST"}, {s + "/kill", "POST"}, {s + "/resize", "POST"},
            {s + "/wait", "POST"}, {s + "/flush", "POST"}, {s + "/attach", "GET"}}) {
            routes.add(route);
        }
    }

    /** A method the path does not take: 405, whatever the body. */
    private Hostile method(Random r) {
        String[] route = routes.get(r.nextInt(routes.size()));
        List<String> allowed = List.of(route[1].split(", "));
        String method;
        do {
            method = pick(r, METHODS);
        } while (allowed.contains(method));
        return new Hostile(method, route[0], List.of("Content-Type: application/json"),
                "{}".getBytes(StandardCharsets.US_ASCII), method + " " + route[0] + " (takes " + route[1] + ")", 405,
                "method-not-allowed");
    }

    private static Field f(String name, Type type) {
        return new Field(name, type);
    }

    Hostile next(Random r) {
        int kind = r.nextInt(11);
        if (kind == 10) {
            return method(r);
        }
        if (kind < 2) {
            return query(r);
        }
        if (kind == 2) {
            return lastEventId(r);
        }
        Body b = bodies.get(r.nextInt(bodies.size()));
        if (kind == 3 || b.fields().isEmpty()) {
            return body(b, null, b.required(), "\"bogusField\":1", "unknown field");
        }
        if (b.target().equals("/v1/apply") && kind >= 7) {
            return inApp(r);
        }
        Field field = b.fields().get(r.nextInt(b.fields().size()));
        String value = hostile(r, field.type());
        String others = without(b.required(), field.name());
        return body(b, field, others, "\"" + field.name() + "\":" + value, field.name());
    }

    private Hostile lastEventId(Random r) {
        String v = pick(r, List.of("abc", "-3", "1.0", "", "0x10"));
        return new Hostile("GET", "/v1/events", List.of("Last-Event-ID: " + v), null,
                "GET /v1/events, Last-Event-ID: " + v);
    }

    private Hostile query(Random r) {
        String[] q = queries.get(r.nextInt(queries.size()));
        List<String> headers = new ArrayList<>();
        if (q[1].contains("/attach")) {
            headers.addAll(List.of("Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="));
        }
        byte[] body = q[0].equals("POST") ? "x".getBytes(StandardCharsets.US_ASCII) : null;
        return new Hostile(q[0], q[1], headers, body, q[0] + " " + q[1]);
    }

    /** A hostile field of an app of an apply, or of the run request inside it (a dry run, should it be accepted). */
    private Hostile inApp(Random r) {
        List<Field> appFields = List.of(f("name", Type.STRING), f("request", Type.OBJECT), f("after", Type.STRINGS),
                f("readyPort", Type.INT), f("readyTimeoutMs", Type.DURATION));
        String app;
        String what;
        if (r.nextBoolean()) {
            Field field = appFields.get(r.nextInt(appFields.size()));
            String value = hostile(r, field.type());
            String base = field.name().equals("name") ? "\"request\":{\"argv\":[\"true\"]}"
                    : field.name().equals("request") ? "\"name\":\"fz\"" : "\"name\":\"fz\",\"request\":{\"argv\":[\"true\"]}";
            app = "{" + base + ",\"" + field.name() + "\":" + value + "}";
            what = "app " + field.name();
        } else {
            Field field = RUN_FIELDS.get(r.nextInt(RUN_FIELDS.size()));
            String value = hostile(r, field.type());
            String req = field.name().equals("argv") ? "" : "\"argv\":[\"true\"],";
            app = "{\"name\":\"fz\",\"request\":{" + req + "\"" + field.name() + "\":" + value + "}}";
            what = "app request " + field.name();
        }
        return hostileBody("POST", "/v1/apply", "{\"dryRun\":true,\"apps\":[" + app + "]}", what);
    }

    private Hostile body(Body b, Field field, String others, String hostileField, String what) {
        String json = "{" + (others.isEmpty() ? "" : others + ",") + hostileField + "}";
        return hostileBody(b.method(), b.target(), json, what + (field == null ? "" : " (" + field.type() + ")"));
    }

    private Hostile hostileBody(String method, String target, String json, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = json.indexOf(RAW);
        byte[] raw = null;
        if (at >= 0) {
            raw = notUtf8[Math.floorMod(json.hashCode(), notUtf8.length)];
            out.writeBytes(json.substring(0, at).getBytes(StandardCharsets.UTF_8));
            out.writeBytes(raw);
            out.writeBytes(json.substring(at + RAW.length()).getBytes(StandardCharsets.UTF_8));
        } else {
            out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        }
        return new Hostile(method, target, List.of("Content-Type: application/json"), out.toByteArray(),
                method + " " + target + " hostile " + what + ": " + json.replace(RAW, raw == null ? "" : "<not UTF-8>"));
    }

    /** The JSON text of the valid fields {@code required}, less {@code field}. */
    private static String without(String required, String field) {
        List<String> kept = new ArrayList<>();
        for (String part : required.isEmpty() ? new String[0] : required.split(",(?=\")")) {
            if (!part.startsWith("\"" + field + "\":")) {
                kept.add(part);
            }
        }
        return String.join(",", kept);
    }

    /** A value no field of {@code type} takes. */
    static String hostile(Random r, Type type) {
        List<String> choices = new ArrayList<>();
        choices.add("null");
        choices.add("\"" + RAW + "\"");
        switch (type) {
            case STRING -> {
                choices.addAll(BAD_STRINGS);
                wrong(choices, "\"x\"");
            }
            case C_STRING -> {
                choices.addAll(BAD_STRINGS);
                choices.addAll(NUL_STRINGS);
                wrong(choices, "\"x\"");
            }
            case INT, DURATION -> {
                choices.addAll(BAD_NUMBERS);
                wrong(choices, "1");
            }
            case BOOL -> {
                choices.addAll(List.of("\"true\"", "0", "1", "\"\""));
                wrong(choices, "true");
            }
            case STRINGS, C_STRINGS -> {
                for (String bad : type == Type.C_STRINGS ? concat(BAD_STRINGS, NUL_STRINGS) : BAD_STRINGS) {
                    choices.add("[\"true\"," + bad + "]");
                }
                choices.addAll(List.of("[null]", "[\"true\",1]", "[[\"x\"]]", "[\"" + RAW + "\"]"));
                wrong(choices, "[]");
            }
            case C_STRING_MAP -> {
                for (String bad : concat(BAD_STRINGS, NUL_STRINGS)) {
                    choices.add("{\"A\":" + bad + "}");
                    choices.add("{" + bad + ":\"x\"}");
                }
                choices.addAll(List.of("{\"A\":null}", "{\"A\":1}", "{\"A=B\":\"x\"}", "{\"\":\"x\"}", "{\"A\":[\"x\"]}"));
                wrong(choices, "{}");
            }
            case OBJECT -> wrong(choices, "{}");
            case ARRAY -> {
                choices.addAll(List.of("[null]", "[1]", "[\"x\"]", "[[]]"));
                wrong(choices, "[]");
            }
        }
        return pick(r, choices);
    }

    /** Values of every JSON type but the one {@code like} has. */
    private static void wrong(List<String> choices, String like) {
        char kind = like.charAt(0);
        for (String w : WRONG_TYPES) {
            char k = w.charAt(0);
            boolean sameKind = k == kind || Character.isDigit(k) && Character.isDigit(kind)
                    || (k == 't' || k == 'f') && (kind == 't' || kind == 'f');
            if (!sameKind) {
                choices.add(w);
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static <T> T pick(Random r, List<T> list) {
        return list.get(r.nextInt(list.size()));
    }
}
