package io.steward.cli;

import java.util.Comparator;

/** The orders of {@code steward top}'s table, each with the key that selects it; busiest first, names A to Z. */
enum TopSort {
    CPU('c', "cpu", Comparator.comparingDouble((TopRow r) -> r.cpuPercent() == null ? -1 : r.cpuPercent()).reversed()),
    MEMORY('m', "mem", Comparator.comparingLong((TopRow r) -> r.memoryBytes()).reversed()),
    RESTARTS('R', "restarts", Comparator.comparingInt((TopRow r) -> r.session().restarts()).reversed()),
    NAME('n', "name", Comparator.comparing((TopRow r) -> r.displayName()));

    final char key;
    final String label;
    private final Comparator<TopRow> order;

    TopSort(char key, String label, Comparator<TopRow> order) {
        this.key = key;
        this.label = label;
        this.order = order;
    }

    /** Ties go by name, then id, so rows never swap places between two equal refreshes. */
    Comparator<TopRow> comparator() {
        return order.thenComparing(TopRow::displayName).thenComparing(r -> r.session().id());
    }

    /** The next order for {@code >} (or the one before for {@code <}), round the list. */
    TopSort cycle(int step) {
        TopSort[] all = values();
        return all[Math.floorMod(ordinal() + step, all.length)];
    }
}
