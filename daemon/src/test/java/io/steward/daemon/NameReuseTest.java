package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.steward.api.SessionEvent;
import io.steward.api.SessionInfo;
import io.steward.daemon.session.Events;
import io.steward.daemon.session.Session;
import java.io.File;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reusing a name releases the session it replaces as {@code rm} would: nothing of it stays
 * reachable (its 64 MiB rings, its log writers, its sockets), and it says so in a {@code reaped} event.
 */
class NameReuseTest extends DaemonFixture {

    @Test
    void twelveRunsUnderOneNameHoldOneSessionAndLeaveNothingOfTheOthers() throws Exception {
        List<WeakReference<Object>> replaced = new ArrayList<>();
        String last = null;
        for (int i = 0; i < 12; i++) {
            last = run("name", "reused", "ringBytes", 64L << 20, "notify", true,
                    "argv", List.of("sh", "-c", "head -c 1000000 /dev/zero")).id();
            assertEquals(false, waitExit(last).timedOut());
            Session session = daemon.sessions().find(last);
            if (i < 11) {
                replaced.add(new WeakReference<>(session));
                replaced.add(new WeakReference<>(session.process().stdout()));
            }
        }
        String survivor = last;
        assertEquals(List.of(survivor), client.sessions().list(true, null).stream().map(SessionInfo::id).toList(),
                "one session under the name, in ls --all");
        // A release closes the sockets on the heartbeat thread: the last one may still be going.
        poll("one notify socket and one beat socket: the survivor's", () -> count("notify") == 1 && count("beats") == 1);
        assertEquals(java.util.Collections.nCopies(11, "replaced"), reapedReasons(), "each replaced run was released");
        poll("every replaced session and its rings to be collected", () -> {
            System.gc();
            return replaced.stream().allMatch(r -> r.get() == null);
        });
    }

    private int count(String dir) {
        File[] files = home.resolve(dir).toFile().listFiles();
        return files == null ? 0 : files.length;
    }

    /** The reasons of the {@code reaped} events so far, in order. */
    private List<String> reapedReasons() throws InterruptedException {
        List<String> reasons = new ArrayList<>();
        try (Events.Subscription sub = daemon.events().subscribe(0)) {
            Events.Published e;
            while ((e = sub.next(200, java.util.concurrent.TimeUnit.MILLISECONDS)) != null) {
                if (e.event() instanceof SessionEvent.Reaped r) {
                    reasons.add(r.reason());
                }
            }
        }
        return reasons;
    }
}
