package io.steward.core;

import io.steward.sys.*;
import java.util.List;

public class Smoke2 {
    public static void main(String[] a) throws Exception {
        List<String> argv = List.of("/bin/true");
        List<String> env = System.getenv().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        Epoll ep = new Epoll(16);
        for (int round = 0; round < 4; round++) {
            long t = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                try (PosixSpawn ps = new PosixSpawn()) {
                    ps.newSession().closeFrom(3).resetSignals();
                    int pid = ps.spawn("/bin/true", argv, env);
                    int fd = Pidfd.open(pid);
                    ep.add(fd, Epoll.IN, fd);
                    ep.await(-1);
                    ep.remove(fd);
                    Pidfd.reap(fd);
                    Libc.close(fd);
                }
            }
            System.out.println("epoll wait: " + (System.nanoTime() - t) / 2000 / 1000 + " us");
            t = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                try (PosixSpawn ps = new PosixSpawn()) {
                    int[] o = Libc.pipe2(Libc.O_CLOEXEC);
                    int[] e = Libc.pipe2(Libc.O_CLOEXEC);
                    ps.dup2(o[1], 1).dup2(e[1], 2).open(0, "/dev/null", 0, 0);
                    ps.newSession().closeFrom(3).resetSignals();
                    int pid = ps.spawn("/bin/true", argv, env);
                    Libc.close(o[1]); Libc.close(e[1]);
                    int fd = Pidfd.open(pid);
                    ep.add(fd, Epoll.IN, fd);
                    ep.await(-1);
                    ep.remove(fd);
                    Pidfd.reap(fd);
                    Libc.close(fd); Libc.close(o[0]); Libc.close(e[0]);
                }
            }
            System.out.println("pipes+epoll: " + (System.nanoTime() - t) / 2000 / 1000 + " us");
        }
    }
}
