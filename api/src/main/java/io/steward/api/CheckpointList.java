package io.steward.api;

import java.util.List;
import java.util.Map;

/**
 * The store's checkpoints, newest first ({@code GET /v1/checkpoints}).
 *
 * @param storeBytes what every blob of the store takes on disk, shared ones once
 * @param blobs how many blobs that is
 */
public record CheckpointList(List<CheckpointInfo> checkpoints, long storeBytes, long blobs) {
    public static CheckpointList fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new CheckpointList(f.objects("checkpoints").stream().map(o -> CheckpointInfo.fromJson(o.json())).toList(),
                f.longValue("storeBytes"), f.longValue("blobs"));
    }

    public Map<String, Object> toJson() {
        return Json.object("checkpoints", checkpoints.stream().map(CheckpointInfo::toJson).toList(),
                "storeBytes", storeBytes, "blobs", blobs);
    }
}
