package io.steward.core;

import io.steward.sys.*;
import java.util.List;

public class Smoke2 {
    public static void main(String[] a) throws Exception {
        List<String> argv = List.of("/bin/true");
        List<String> env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        for (int round = 0; round < 3; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                try (PosixSpawn ps = new PosixSpawn()) {
                    int pid = ps.spawn("/bin/true", argv, env);
                    int fd = Pidfd.open(pid);
                    while (Pidfd.reap(fd) == null) { Thread.onSpinWait(); }
                    Libc.close(fd);
                }
            }
            System.out.println("bare: " + (System.nanoTime() - t) / 2000 / 1000 + " us");
            t = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                try (PosixSpawn ps = new PosixSpawn()) {
                    ps.newSession().closeFrom(3).resetSignals();
                    int pid = ps.spawn("/bin/true", argv, env);
                    int fd = Pidfd.open(pid);
                    while (Pidfd.reap(fd) == null) { Thread.onSpinWait(); }
                    Libc.close(fd);
                }
            }
            System.out.println("attrs: " + (System.nanoTime() - t) / 2000 / 1000 + " us");
        }
    }
}
