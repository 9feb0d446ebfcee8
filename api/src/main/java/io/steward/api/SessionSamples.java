package io.steward.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer to {@code GET /v1/sessions/{id}/samples}: the last hour of the session's usage, a
 * sample per period, oldest first, in columns (the i-th of each list is one sample), as a chart
 * draws them.
 *
 * @param session the session's id
 * @param period how often the daemon samples (10 s unless it was told otherwise)
 * @param atMs when each sample was taken, in ms since the epoch
 * @param cpuMs its tree's CPU time then (live processes and the children they reaped), cumulative
 * @param cpuPercent CPU used since the sample before, in percent of one core (200 is two cores
 *     busy); 0 for the session's first sample
 * @param rssBytes its tree's resident memory then, summed
 */
public record SessionSamples(String session, Duration period, List<Long> atMs, List<Long> cpuMs,
        List<Double> cpuPercent, List<Long> rssBytes) {

    public static SessionSamples fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        List<Double> percent = new ArrayList<>();
        if (json.get("cpuPercent") instanceof List<?> l) {
            for (Object o : l) {
                percent.add(o instanceof Number n ? n.doubleValue() : 0.0);
            }
        }
        return new SessionSamples(f.text("session"), f.millis("periodMs"), f.longs("atMs"), f.longs("cpuMs"),
                List.copyOf(percent), f.longs("rssBytes"));
    }

    public Map<String, Object> toJson() {
        return Json.object("session", session, "periodMs", JsonFields.millis(period), "atMs", atMs, "cpuMs", cpuMs,
                "cpuPercent", cpuPercent, "rssBytes", rssBytes);
    }

    /** How many samples there are. */
    public int size() {
        return atMs.size();
    }
}
