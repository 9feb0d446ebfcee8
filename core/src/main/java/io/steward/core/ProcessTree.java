package io.steward.core;

import io.steward.sys.Libc;
import io.steward.sys.Pidfd;
import io.steward.sys.Signal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds and signals everything a process started, including what left its group: members are
 * found by process group, session, parentage, the originator tag in their environment, and
 * membership seen in earlier scans. Every signal goes through a pidfd opened after the start time
 * was checked, so a recycled pid is never hit.
 */
final class ProcessTree {
    private final int rootPid;
    private final int pgid;
    private final int sid;
    private final String originator;
    private final ProcView view;
    private static final int SELF = Libc.getpid();
    /** pid -> start ticks of processes seen in this tree, so escapees stay known after re-parenting. */
    private final Map<Integer, Long> known = new HashMap<>();
    /**
     * pid -> start ticks (-1 when it was gone before it could be read) of members the runtime's
     * membership saw born into this tree; written on the loop, read by kills and figures anywhere.
     */
    private final java.util.concurrent.ConcurrentHashMap<Integer, Long> born =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int RECENT_DEATHS = 512;
    /** The last members that died, newest last. */
    private final ArrayDeque<Integer> recentDeaths = new ArrayDeque<>();
    /** Members already reported as having left the root's session. */
    private final Set<Integer> escapes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** While the root is unreaped its pid, and so the group id, cannot be recycled: group kills are safe. */
    private volatile boolean rootReaped;

    ProcessTree(int rootPid, boolean ownSession, String originator, ProcView view) {
        this.rootPid = rootPid;
        this.pgid = rootPid;
        this.sid = ownSession ? rootPid : -1;
        this.originator = originator;
        this.view = view;
    }

    /** What the tree knows of its members, for a daemon that takes over: {@code [born, known]} and the escapees. */
    record Members(Map<Integer, Long> born, Map<Integer, Long> known, Set<Integer> escapes) {}

    synchronized Members handOver() {
        return new Members(Map.copyOf(born), Map.copyOf(known), Set.copyOf(escapes));
    }

    synchronized void takeOver(Members m) {
        born.putAll(m.born());
        known.putAll(m.known());
        escapes.addAll(m.escapes());
    }

    void rootReaped() {
        rootReaped = true;
    }

    void born(int pid, long startTicks) {
        born.put(pid, startTicks);
    }

    void died(int pid) {
        born.remove(pid);
        escapes.remove(pid);
        synchronized (recentDeaths) {
            if (recentDeaths.size() == RECENT_DEATHS) {
                recentDeaths.removeFirst();
            }
            recentDeaths.addLast(pid);
        }
    }

    /**
     * Whether pid is or lately was a process of this tree: what a short-lived member (an {@code mv},
     * an {@code rm}) did is often read after it exited.
     */
    boolean hasOrHad(int pid) {
        if (pid == rootPid || born.containsKey(pid)) {
            return true;
        }
        synchronized (recentDeaths) {
            return recentDeaths.contains(pid);
        }
    }

    /** The members born into the tree that still run: one stat read each, no walk. */
    private List<ProcStat> bornAlive() {
        List<ProcStat> out = new ArrayList<>(born.size());
        for (Map.Entry<Integer, Long> b : born.entrySet()) {
            ProcStat p = liveMember(b.getKey(), b.getValue());
            if (p != null) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * The stat of a member born into the tree while it still runs as that process (its start time
     * matches, or was gone before it could be read: its exit is then on the way), else null.
     */
    private static ProcStat liveMember(int pid, long startTicks) {
        ProcStat p = ProcStat.read(pid).orElse(null);
        return p != null && !p.zombie() && (startTicks < 0 || startTicks == p.startTicks()) ? p : null;
    }

    /** The root and the members born into it, for what must not scan /proc each time (network refreshes). */
    List<Integer> rootAndBorn() {
        List<Integer> out = new ArrayList<>(born.size() + 1);
        out.add(rootPid);
        out.addAll(born.keySet());
        return out;
    }

    List<Integer> bornPids() {
        return List.copyOf(born.keySet());
    }

    long bornStart(int pid) {
        return born.getOrDefault(pid, -1L);
    }

    /** True the first time pid is reported as having left the root's session. */
    boolean escapeOnce(int pid) {
        return escapes.add(pid);
    }

    /** Members of a scan outside the root's session, not reported yet. */
    List<ProcStat> newEscapes(List<ProcStat> members) {
        List<ProcStat> out = new ArrayList<>();
        for (ProcStat p : members) {
            if (sid > 0 && p.session() != sid && !p.zombie() && escapes.add(p.pid())) {
                out.add(p);
            }
        }
        return out;
    }

    private void killGroup(int signal) {
        if (!rootReaped) {
            signalGroup(pgid, signal);
        }
    }

    /**
     * kill(-pgid). Group 0 would be our own group and -1 every process we may signal, and 1 is init's:
     * all three are refused.
     */
    static boolean signalGroup(int pgid, int signal) {
        return pgid > 1 && Libc.kill(-pgid, signal) == 0;
    }

    /**
     * Live members other than the root. While nothing has escaped to the runtime they are the root's
     * descendants, found by following {@code children} links; otherwise by a scan of /proc.
     */
    synchronized List<ProcStat> members() {
        return view.mayHaveEscapees() ? scanned(view.scan()) : descendants();
    }

    private List<ProcStat> descendants() {
        List<ProcStat> out = new ArrayList<>();
        ArrayDeque<Integer> parents = new ArrayDeque<>();
        parents.add(rootPid);
        Set<Integer> seen = new HashSet<>();
        Set<Integer> alive = new HashSet<>();
        while (!parents.isEmpty()) {
            for (int child : ProcStat.children(parents.poll())) {
                if (child == SELF || !seen.add(child)) {
                    continue;
                }
                ProcStat p = ProcStat.read(child).orElse(null);
                if (p == null) {
                    continue;
                }
                parents.add(child);
                if (!p.zombie()) {
                    known.put(child, p.startTicks());
                    alive.add(child);
                    out.add(p);
                }
            }
        }
        // A member born into the tree that is no descendant now (a subreaper of its own took it).
        for (Map.Entry<Integer, Long> b : born.entrySet()) {
            if (seen.add(b.getKey()) && b.getKey() != rootPid) {
                ProcStat p = liveMember(b.getKey(), b.getValue());
                if (p != null) {
                    alive.add(p.pid());
                    out.add(p);
                }
            }
        }
        // A known member that is no descendant now has escaped: only a scan finds it.
        known.keySet().removeIf(pid -> pid != rootPid && !alive.contains(pid)
                && !ProcStat.isAlive(pid, known.get(pid)));
        return out;
    }

    /**
     * Live members other than the root, for figures only: the same membership, but from a scan up to
     * {@code maxAgeNanos} old shared by every tree (so reading a hundred trees costs one pass over
     * /proc, not a hundred), and without touching what the tree remembers, since an old scan must
     * never make it forget an escapee that a kill still has to find.
     */
    synchronized List<ProcStat> membersForFigures(long maxAgeNanos) {
        if (view.membershipExact()) {
            return bornAlive();
        }
        if (!view.mayHaveEscapees()) {
            return descendants();
        }
        ProcScan scan = view.recentScan(maxAgeNanos);
        List<ProcStat> out = new ArrayList<>();
        for (int pid : membership(scan)) {
            ProcStat p = scan.get(pid);
            if (pid != rootPid && !p.zombie()) {
                out.add(p);
            }
        }
        return out;
    }

    private List<ProcStat> scanned(ProcScan scan) {
        Set<Integer> in = membership(scan);
        List<ProcStat> out = new ArrayList<>(in.size());
        for (int pid : in) {
            ProcStat p = scan.get(pid);
            if (pid != rootPid && !p.zombie()) {
                known.put(pid, p.startTicks());
                out.add(p);
            }
        }
        known.keySet().removeIf(pid -> pid != rootPid && !scan.contains(pid));
        return out;
    }

    /** The pids of the scan that belong to this tree, the root's included when it is there. */
    private Set<Integer> membership(ProcScan scan) {
        Set<Integer> in = new HashSet<>();
        for (ProcStat p : scan.all()) {
            if (p.pid() != SELF && belongs(p, scan)) {
                in.add(p.pid());
            }
        }
        // Children of members are members, whatever group or environment they chose.
        boolean grew = true;
        while (grew) {
            grew = false;
            for (ProcStat p : scan.all()) {
                if (!in.contains(p.pid()) && p.pid() != SELF && (p.ppid() == rootPid || in.contains(p.ppid()))) {
                    in.add(p.pid());
                    grew = true;
                }
            }
        }
        return in;
    }

    /**
     * True while a member seen by an earlier scan still runs: one stat read per known member, no
     * scan. False does not mean the tree is empty (a member may have forked since), only that a
     * scan is worth making.
     */
    synchronized boolean anyKnownMemberAlive() {
        for (Map.Entry<Integer, Long> m : known.entrySet()) {
            if (m.getKey() != rootPid && ProcStat.isAlive(m.getKey(), m.getValue())) {
                return true;
            }
        }
        for (Map.Entry<Integer, Long> b : born.entrySet()) {
            if (b.getKey() != rootPid && liveMember(b.getKey(), b.getValue()) != null) {
                return true;
            }
        }
        return false;
    }

    private boolean belongs(ProcStat p, ProcScan scan) {
        Long start = known.get(p.pid());
        if (start != null && start == p.startTicks()) {
            return true;
        }
        Long birth = born.get(p.pid());
        if (birth != null && (birth < 0 || birth == p.startTicks())) {
            return true;
        }
        if (p.pgrp() == pgid || (sid > 0 && p.session() == sid)) {
            return true;
        }
        return !p.zombie() && scan.originator(p).equals(originator);
    }

    /**
     * Sends {@code signal} to the root's group and to every member outside it.
     *
     * @return the members signalled
     */
    List<ProcStat> signal(Signal signal) {
        killGroup(signal.number());
        List<ProcStat> members = members();
        for (ProcStat p : members) {
            if (p.pgrp() != pgid || rootReaped) {
                signalExact(p.pid(), p.startTicks(), signal.number());
            }
        }
        return members;
    }

    /**
     * SIGKILLs the group and every member, scanning again until none is left alive (a member may fork
     * while it is being killed), up to a bound.
     *
     * @return the members found on the first pass
     */
    List<ProcStat> killAll() {
        List<ProcStat> first = null;
        for (int pass = 0; pass < 20; pass++) {
            killGroup(Signal.KILL.number());
            List<ProcStat> members = members();
            if (first == null) {
                first = members;
            }
            if (members.isEmpty()) {
                break;
            }
            for (ProcStat p : members) {
                signalExact(p.pid(), p.startTicks(), Signal.KILL.number());
            }
        }
        return first;
    }

    /**
     * Kills every member still alive, the way {@link #killAll} does, and says which they were.
     *
     * @return the members found alive, with their command lines (read before the kill)
     */
    List<ExitStatus.Leftover> killSurvivors() {
        List<ProcStat> alive = members();
        if (alive.isEmpty()) {
            return List.of();
        }
        List<ExitStatus.Leftover> out = alive.stream()
                .map(p -> new ExitStatus.Leftover(p.pid(), ProcStat.cmdline(p.pid())))
                .toList();
        killAll();
        return out;
    }

    /** Signals pid only if it is still the process that started at {@code startTicks}. */
    static boolean signalExact(int pid, long startTicks, int signal) {
        if (pid <= 1) {
            return false;
        }
        int pidfd = Pidfd.open(pid);
        if (pidfd < 0) {
            return false;
        }
        try {
            Long now = ProcStat.read(pid).map(ProcStat::startTicks).orElse(null);
            return now != null && now == startTicks && Pidfd.sendSignal(pidfd, signal) == 0;
        } finally {
            Libc.close(pidfd);
        }
    }
}
