package io.steward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends RuntimeTestBase {
    @Test
    void twoHundredProcessesShareOneIoThread() throws Exception {
        List<ManagedProcess> ps = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ps.add(runtime.spawn(ProcessSpec.builder("sh", "-c",
                    "i=0; while [ $i -lt 200 ]; do echo \"p" + i + " line $i\"; i=$((i+1)); done; echo done-" + i + " >&2")
                    .build()));
        }
        long ioThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("steward-io")).count();
        assertEquals(1, ioThreads, "one I/O thread for all processes");
        for (int i = 0; i < ps.size(); i++) {
            ManagedProcess p = ps.get(i);
            assertEquals(0, p.waitFor().code());
            String[] lines = text(p.stdout()).split("\n");
            assertEquals(200, lines.length);
            assertEquals("p" + i + " line 199", lines[199]);
            assertEquals("done-" + i + "\n", text(p.stderr().orElseThrow()));
        }
    }

    @Test
    void lifecycleEventsWhenObserved() throws Exception {
        List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
        ManagedProcess unobserved = sh("exit 0");
        unobserved.waitFor();
        AutoCloseable subscription = runtime.observe(events::add);
        try {
            ManagedProcess p = sh("exit 4");
            p.waitFor();
            Poll.until("exited event", () -> events.size() == 2);
            assertEquals(LifecycleEvent.Kind.STARTED, events.get(0).kind());
            assertEquals(p.pid(), events.get(0).pid());
            assertEquals(LifecycleEvent.Kind.EXITED, events.get(1).kind());
            assertEquals(4, events.get(1).exit().code());
            assertTrue(events.stream().noneMatch(e -> e.pid() == unobserved.pid()));
        } finally {
            subscription.close();
        }
        sh("exit 0").waitFor();
        assertEquals(2, events.size(), "no events after unsubscribing");
    }

    @Test
    void capabilityMatrixCoversFiveCategories() throws Exception {
        List<Capabilities.Capability> caps = Capabilities.probe(runtime, java.nio.file.Files.createTempDirectory("caps"));
        assertEquals(List.of("lifecycle", "process", "file", "network", "checkpoint"),
                caps.stream().map(Capabilities.Capability::category).toList());
        assertEquals(Capabilities.Support.SUPPORTED, caps.get(0).support());
        assertEquals("proc-connector", caps.get(1).backend(), caps.get(1).reason());
        assertEquals(Capabilities.Support.SUPPORTED, caps.get(1).support());
        caps.forEach(c -> assertTrue(!c.reason().isBlank() && !c.backend().isBlank()));
    }
}
