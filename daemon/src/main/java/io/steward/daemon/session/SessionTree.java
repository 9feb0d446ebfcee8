package io.steward.daemon.session;

import io.steward.api.ProcessTreeInfo;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcStat;
import io.steward.core.TreeIo;
import io.steward.sys.Libc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A session's live tree as {@code steward tree} shows it: like {@code pstree -p}, with each process's figures. */
public final class SessionTree {
    private static final long TICKS = Libc.clockTicks();
    private static final long PAGE = Libc.pageSize();

    private SessionTree() {}

    public static ProcessTreeInfo of(Session s) {
        if (!s.live()) {
            return new ProcessTreeInfo(s.id(), s.name(), List.of());
        }
        ManagedProcess p = s.process();
        ProcStat root = ProcStat.read(p.pid()).orElse(null);
        if (root == null) {
            return new ProcessTreeInfo(s.id(), s.name(), List.of());
        }
        List<ProcStat> members = new ArrayList<>(p.descendants());
        members.sort(Comparator.comparingInt(ProcStat::pid));
        Map<Integer, List<ProcStat>> children = new HashMap<>();
        Set<Integer> inTree = new HashSet<>();
        inTree.add(root.pid());
        members.forEach(m -> inTree.add(m.pid()));
        for (ProcStat m : members) {
            // A member whose parent is not in the tree (it was re-parented) hangs from the root.
            int parent = inTree.contains(m.ppid()) ? m.ppid() : root.pid();
            children.computeIfAbsent(parent, k -> new ArrayList<>()).add(m);
        }
        List<ProcessTreeInfo.Node> out = new ArrayList<>(members.size() + 1);
        add(out, root, 0, root.session(), children, new HashSet<>());
        return new ProcessTreeInfo(s.id(), s.name(), out);
    }

    private static void add(List<ProcessTreeInfo.Node> out, ProcStat p, int depth, int rootSession,
            Map<Integer, List<ProcStat>> children, Set<Integer> seen) {
        if (!seen.add(p.pid())) {
            return;
        }
        TreeIo io = TreeIo.read(List.of(p.pid()));
        boolean read = io.processes() > 0;
        out.add(new ProcessTreeInfo.Node(p.pid(), p.ppid(), depth, p.comm(), ProcStat.cmdline(p.pid()),
                p.cpuTicks() * 1000 / TICKS, p.rssPages() * PAGE, p.session() != rootSession,
                read ? io.rchar() : null, read ? io.wchar() : null, read ? (long) io.openFiles() : null));
        for (ProcStat c : children.getOrDefault(p.pid(), List.of())) {
            add(out, c, depth + 1, rootSession, children, seen);
        }
    }
}
