package io.steward.daemon.session;

import io.steward.api.ErrorCode;
import io.steward.api.PortInfo;
import io.steward.api.PortList;
import io.steward.api.StewardException;
import io.steward.core.Capabilities;
import io.steward.core.ManagedProcess;
import io.steward.core.ProcStat;
import io.steward.core.Sockets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The TCP, UDP and Unix sockets held by sessions' trees: one set of sock_diag dumps for the host,
 * then each live session's root and descendants matched to the dumps through their descriptors.
 * A socket a tree shares with a process outside it is listed for the member.
 */
public final class SessionPorts {
    private static final Comparator<PortInfo> ORDER = Comparator.comparingLong(PortInfo::pid)
            .thenComparing(PortInfo::protocol).thenComparing(PortInfo::local).thenComparing(PortInfo::remote);

    private SessionPorts() {}

    /** The sockets of {@code sessions}' trees, by session in the given order, then by pid and address. */
    public static PortList of(List<Session> sessions) {
        Capabilities.Capability network = Capabilities.network();
        if (network.support() == Capabilities.Support.UNAVAILABLE) {
            throw new StewardException(ErrorCode.UNSUPPORTED, "ports: " + network.reason());
        }
        List<Session> live = new ArrayList<>(sessions.size());
        List<List<Integer>> trees = new ArrayList<>(sessions.size());
        for (Session s : sessions) {
            if (!s.live()) {
                continue;
            }
            ManagedProcess p = s.process();
            List<Integer> pids = new ArrayList<>();
            pids.add(p.pid());
            for (ProcStat d : p.descendants()) {
                pids.add(d.pid());
            }
            live.add(s);
            trees.add(pids);
        }
        List<List<Sockets.Held>> held = Sockets.held(trees);
        List<PortInfo> out = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            Session s = live.get(i);
            List<PortInfo> mine = new ArrayList<>(held.get(i).size());
            for (Sockets.Held h : held.get(i)) {
                Sockets.Socket k = h.socket();
                mine.add(new PortInfo(s.id(), s.name(), h.pid(), k.protocol(), k.family(), k.state(), k.local(),
                        k.remote(), k.inode(), Integer.toUnsignedLong(k.uid()), k.bytesIn(), k.bytesOut()));
            }
            mine.sort(ORDER);
            out.addAll(mine);
        }
        return new PortList(out);
    }
}
