package io.steward.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The rest of a tree whose root exited during a stop's grace. The grace was given to the whole
 * tree, so the members keep it: the stop ends when the last of them is gone, or, when the grace
 * runs out first, after what is still alive has been SIGKILLed.
 *
 * <p>Checks run on the tree thread, a tick apart, never on the loop. A tick only looks at the
 * members already known (one {@code /proc/PID/stat} each); the full scan that can say "gone" runs
 * once none of them is left, since a member may have forked or escaped meanwhile.
 */
final class TreeDrain {
    static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

    private final ProcessRuntime runtime;
    private final ProcessTree tree;
    private final Consumer<List<ExitStatus.Leftover>> gone;
    private volatile boolean graceOver;
    private volatile boolean finished;
    /** What the end of the grace found alive and killed; tree thread only. */
    private final Map<Integer, ExitStatus.Leftover> killed = new LinkedHashMap<>();

    /**
     * @param gone runs once on the loop when the tree is empty, with what had to be killed (empty when
     *     everything left within the grace)
     */
    TreeDrain(ProcessRuntime runtime, ProcessTree tree, Consumer<List<ExitStatus.Leftover>> gone) {
        this.runtime = runtime;
        this.tree = tree;
        this.gone = gone;
    }

    /** Looks at once (an exit of the root often ends the tree too), then every tick. */
    void start() {
        runtime.offLoop(() -> step(true));
    }

    /** The grace ran out: what is still alive is killed now, not at the next tick. */
    void graceOver() {
        graceOver = true;
        runtime.offLoop(() -> step(false));
    }

    private void step(boolean tick) {
        if (finished) {
            return;
        }
        if (!graceOver && tree.anyKnownMemberAlive()) {
            next(tick);
            return;
        }
        if (graceOver) {
            for (ExitStatus.Leftover l : tree.killSurvivors()) {
                killed.putIfAbsent(l.pid(), l);
            }
        }
        if (tree.members().isEmpty()) {
            finished = true;
            List<ExitStatus.Leftover> out = List.copyOf(killed.values());
            runtime.loop().execute(() -> gone.accept(out));
        } else {
            next(tick);
        }
    }

    /** Only the tick chain schedules the next tick, so a kill pass in between does not start a second. */
    private void next(boolean tick) {
        if (!tick) {
            return;
        }
        IoLoop loop = runtime.loop();
        loop.execute(() -> loop.schedule(TICK_NANOS, () -> runtime.offLoop(() -> step(true))));
    }
}
