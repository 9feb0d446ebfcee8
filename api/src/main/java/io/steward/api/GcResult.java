package io.steward.api;

import java.util.Map;

/**
 * What {@code gc} removed from the checkpoint store ({@code POST /v1/checkpoints/gc}): blobs no
 * checkpoint refers to any more.
 *
 * @param storeBytes what the store takes on disk afterwards
 */
public record GcResult(long blobsRemoved, long bytesFreed, long storeBytes) {
    public static GcResult fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new GcResult(f.longValue("blobsRemoved"), f.longValue("bytesFreed"), f.longValue("storeBytes"));
    }

    public Map<String, Object> toJson() {
        return Json.object("blobsRemoved", blobsRemoved, "bytesFreed", bytesFreed, "storeBytes", storeBytes);
    }
}
