package io.steward.client;

import java.util.List;

/**
 * Which events a stream carries.
 *
 * @param since replay the kept events after this number first; -1 for new events only
 * @param until end the stream once the events up to this number are sent; -1 to follow
 * @param categories the categories wanted ({@code lifecycle}, {@code process}, …); empty for all
 */
public record EventQuery(long since, long until, List<String> categories) {
    public EventQuery {
        categories = List.copyOf(categories);
    }

    public static EventQuery since(long since) {
        return new EventQuery(since, -1, List.of());
    }

    public EventQuery until(long last) {
        return new EventQuery(since, last, categories);
    }

    public EventQuery categories(List<String> wanted) {
        return new EventQuery(since, until, wanted);
    }

    String toQueryString() {
        StringBuilder q = new StringBuilder();
        if (since >= 0) {
            q.append("since=").append(since);
        }
        if (until >= 0) {
            q.append(q.isEmpty() ? "" : "&").append("until=").append(until);
        }
        if (!categories.isEmpty()) {
            q.append(q.isEmpty() ? "" : "&").append("category=").append(String.join(",", categories));
        }
        return q.isEmpty() ? "" : "?" + q;
    }
}
