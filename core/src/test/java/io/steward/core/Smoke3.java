package io.steward.core;

public class Smoke3 {
    public static void main(String[] a) throws Exception {
        try (ProcessRuntime rt = ProcessRuntime.create()) {
            for (int round = 0; round < 4; round++) {
                long t1 = System.nanoTime(), sp = 0;
                for (int i = 0; i < 2000; i++) {
                    long t = System.nanoTime();
                    ManagedProcess p = rt.spawn(ProcessSpec.builder("/bin/true").stdin(ProcessSpec.Stdin.NULL).build());
                    sp += System.nanoTime() - t;
                    if (a.length > 0) { while (p.exitStatus().isEmpty()) Thread.onSpinWait(); } else p.waitFor();
                }
                System.out.println("per spawn us " + (System.nanoTime() - t1) / 1e3 / 2000 + " spawn call " + sp / 1e3 / 2000);
            }
        }
    }
}
