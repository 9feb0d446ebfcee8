package io.steward.client;

import io.steward.api.CheckpointInfo;
import io.steward.api.CheckpointList;
import io.steward.api.ErrorCode;
import io.steward.api.GcResult;
import io.steward.api.Json;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The endpoints of the checkpoint store: a live session's tree dumped with CRIU, restored as a new
 * session, listed, removed and collected. A checkpoint reference is its digest ({@code sha256:<hex>}),
 * a prefix of that hex of at least 7 digits, or its tag.
 */
public final class Checkpoints {
    /** Room for {@code sha256:} and 64 hex digits, or a tag of up to 128 characters; the daemon checks the rest. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9._:@-]{1,128}");

    private final StewardClient client;

    Checkpoints(StewardClient client) {
        this.client = client;
    }

    /**
     * Checkpoints the tree of session {@code sessionRef}; without {@code leaveRunning} the tree then
     * ends, with the outcome {@code checkpointed}. With {@code recordUnsupported}, CRIU that cannot
     * run here is also recorded in the store, as a checkpoint of kind {@code unsupported}.
     *
     * @param tag the checkpoint's name, or null
     * @throws StewardException {@code unsupported} when CRIU cannot run here (the message says why,
     *     and names the record's digest when one was stored),
     *     {@code conflict} when the session does not run or CRIU refused, {@code not-found}, {@code invalid-input}
     */
    public CheckpointInfo create(String sessionRef, boolean leaveRunning, String tag, boolean recordUnsupported) {
        Map<String, Object> body = Json.object("leaveRunning", leaveRunning, "recordUnsupported", recordUnsupported);
        given(body, "tag", tag);
        return CheckpointInfo.fromJson(client.object("POST", StewardClient.sessionPath(sessionRef) + "/checkpoint", body));
    }

    /**
     * Starts a new session from checkpoint {@code checkpointRef}, named {@code name} (or none).
     *
     * @throws StewardException {@code corrupt} when a blob fails its digest check (nothing was started),
     *     {@code conflict} when the name or the checkpoint's pids are taken, {@code not-found}, {@code unsupported}
     */
    public SessionInfo restore(String checkpointRef, String name) {
        Map<String, Object> body = Json.object("checkpoint", requireShape(checkpointRef));
        given(body, "name", name);
        return SessionInfo.fromJson(client.object("POST", "/v1/restore", body));
    }

    /** The store's checkpoints, newest first, with what the store takes on disk. */
    public CheckpointList list() {
        return CheckpointList.fromJson(client.object("GET", "/v1/checkpoints", null));
    }

    public CheckpointInfo get(String ref) {
        return CheckpointInfo.fromJson(client.object("GET", path(ref), null));
    }

    /** Removes a checkpoint from the index and answers it as it was; its blobs stay until {@link #gc}. */
    public CheckpointInfo remove(String ref) {
        return CheckpointInfo.fromJson(client.object("DELETE", path(ref), null));
    }

    /** Removes the blobs no checkpoint refers to any more. */
    public GcResult gc() {
        return GcResult.fromJson(client.object("POST", "/v1/checkpoints/gc", null));
    }

    /** A field left out when null: the daemon takes an absent field for its default, and refuses a null. */
    private static void given(Map<String, Object> body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String path(String ref) {
        return "/v1/checkpoints/" + StewardClient.encode(requireShape(ref));
    }

    /**
     * {@code ref}, or {@code invalid-input} when no checkpoint can have it: refused here, before any
     * request, as a session reference is, so a slash never reaches the HTTP server's own words.
     */
    static String requireShape(String ref) {
        if (ref == null || !SHAPE.matcher(ref).matches()) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "invalid checkpoint reference "
                    + (ref == null ? "(none)" : "'" + ref + "'")
                    + ": expected sha256:<hex>, a digest prefix of at least 7 hex digits, or a tag");
        }
        return ref;
    }
}
