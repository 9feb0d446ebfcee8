package io.steward.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint in the store ({@code GET /v1/checkpoints}, the answer of
 * {@code POST /v1/sessions/{ref}/checkpoint}).
 *
 * @param digest the manifest's digest, {@code sha256:<hex>}: what {@code restore} takes, as does the tag
 * @param tag its name, or null
 * @param kind {@code criu} (images to restore) or {@code unsupported} (a record of why CRIU could not run)
 * @param session the id of the session it was taken of
 * @param name that session's name, or null
 * @param storedBytes its blobs as stored (compressed), manifest and config included
 * @param uniqueBytes the part of those no other checkpoint shares: what {@code checkpoint rm} and {@code gc} free
 * @param imageBytes the size of CRIU's images before compression
 * @param criu CRIU's version; {@code kernel} the kernel release it ran on
 * @param pids the tree's processes when it was dumped, the root first
 * @param leftRunning taken with {@code --leave-running}
 * @param reason for an {@code unsupported} record: why CRIU could not run; else null
 */
public record CheckpointInfo(String digest, String tag, String kind, String session, String name, Instant created,
        long storedBytes, long uniqueBytes, long imageBytes, String criu, String kernel, List<Long> pids,
        boolean leftRunning, String reason) {

    public static CheckpointInfo fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new CheckpointInfo(f.text("digest"), f.text("tag"), f.text("kind"), f.text("session"), f.text("name"),
                f.instant("created"), f.longValue("storedBytes"), f.longValue("uniqueBytes"),
                f.longValue("imageBytes"), f.text("criu"), f.text("kernel"), f.longs("pids"), f.flag("leftRunning"),
                f.text("reason"));
    }

    public Map<String, Object> toJson() {
        return Json.object("digest", digest, "tag", tag, "kind", kind, "session", session, "name", name,
                "created", JsonFields.instant(created), "storedBytes", storedBytes, "uniqueBytes", uniqueBytes,
                "imageBytes", imageBytes, "criu", criu, "kernel", kernel, "pids", pids, "leftRunning", leftRunning,
                "reason", reason);
    }
}
