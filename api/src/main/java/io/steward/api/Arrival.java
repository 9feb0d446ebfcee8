package io.steward.api;

import java.util.List;
import java.util.Map;

/**
 * When a stream's bytes arrived: the byte at {@code offset}, and those after it up to the next
 * arrival's offset, came at {@code epochMillis} (milliseconds since the epoch, UTC) to within a
 * millisecond.
 */
public record Arrival(long offset, long epochMillis) {

    Map<String, Object> toJson() {
        return Json.object("offset", offset, "epochMs", epochMillis);
    }

    static List<Arrival> listFrom(JsonFields f, String key) {
        return f.objects(key).stream().map(a -> new Arrival(a.longValue("offset"), a.longValue("epochMs"))).toList();
    }

    static List<Map<String, Object>> toJson(List<Arrival> times) {
        return times.stream().map(Arrival::toJson).toList();
    }

    /**
     * The time of the byte at {@code offset} by {@code times} (ascending offsets): that of the last
     * arrival at or before it; -1 when none is.
     */
    public static long at(List<Arrival> times, long offset) {
        long t = -1;
        for (Arrival a : times) {
            if (a.offset > offset) {
                break;
            }
            t = a.epochMillis;
        }
        return t;
    }
}
