package io.steward.core;

import java.time.Duration;
import java.util.List;

public class Smoke {
    public static void main(String[] a) throws Exception {
        try (ProcessRuntime rt = ProcessRuntime.create()) {
            ManagedProcess p = rt.spawn(ProcessSpec.builder("sh", "-c", "echo hello; echo err >&2; exit 3").build());
            ExitStatus s = p.waitFor();
            p.stdout().await(0, 1, java.util.concurrent.TimeUnit.SECONDS);
            System.out.println(s + " out=" + new String(p.stdout().read(0, 100).data()) + " err=" + new String(p.stderr().get().read(0, 100).data()));
            ManagedProcess q = rt.spawn(ProcessSpec.builder("sh", "-c", "trap '' TERM; sleep 30").build());
            Thread.sleep(200);
            long t0 = System.nanoTime();
            ExitStatus st = q.stop(Duration.ofMillis(500)).get();
            System.out.println(st + " in " + (System.nanoTime() - t0) / 1e6);
            long t1 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                rt.spawn(ProcessSpec.builder("/bin/true").stdin(ProcessSpec.Stdin.NULL).build()).waitFor();
            }
            System.out.println("per spawn us " + (System.nanoTime() - t1) / 1e3 / 1000);
            try { rt.spawn(ProcessSpec.builder("nope-x").build()); } catch (Exception e) { System.out.println(e.getMessage()); }
            try { rt.spawn(ProcessSpec.builder("ls").cwd(java.nio.file.Path.of("/nope")).build()); } catch (Exception e) { System.out.println(e.getMessage()); }
            try { rt.spawn(ProcessSpec.builder("/etc/passwd").build()); } catch (Exception e) { System.out.println(e.getMessage()); }
        }
    }
}
