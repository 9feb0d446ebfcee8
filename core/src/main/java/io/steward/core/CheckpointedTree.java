package io.steward.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a restore needs beyond CRIU's images: the descriptors steward held that the tree used, by
 * the identity CRIU dumped them under (a pipe's inode, a terminal's {@code rdev:dev}), so new ones
 * can stand in for them; the pids, which must be free again; and the originator tag the restored
 * processes still carry in their environment.
 *
 * @param stdinPipe the inode of the pipe the root read as stdin, 0 for none
 * @param stderrPipe 0 when stderr went to the stdout pipe (merged) or to a terminal
 * @param tty the terminal's {@code rdev:dev} in hex, as CRIU names it, or null for a pipe process
 * @param shellJob the root was no session leader: dumped and restored with {@code --shell-job}
 */
public record CheckpointedTree(List<Integer> pids, String originator, boolean shellJob, long stdinPipe,
        long stdoutPipe, long stderrPipe, String tty) {

    public CheckpointedTree {
        pids = List.copyOf(pids);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pids", pids.stream().map(Integer::longValue).toList());
        m.put("originator", originator);
        m.put("shellJob", shellJob);
        m.put("stdinPipe", stdinPipe);
        m.put("stdoutPipe", stdoutPipe);
        m.put("stderrPipe", stderrPipe);
        m.put("tty", tty);
        return m;
    }

    public static CheckpointedTree fromJson(Map<String, Object> m) {
        List<Integer> pids = new ArrayList<>();
        for (Object o : (List<?>) m.get("pids")) {
            pids.add(((Number) o).intValue());
        }
        return new CheckpointedTree(pids, (String) m.get("originator"), Boolean.TRUE.equals(m.get("shellJob")),
                number(m, "stdinPipe"), number(m, "stdoutPipe"), number(m, "stderrPipe"), (String) m.get("tty"));
    }

    private static long number(Map<String, Object> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** CRIU's names for the resources steward provides: {@code pipe:[INODE]}, {@code tty[RDEV:DEV]}. */
    List<String> externals() {
        List<String> out = new ArrayList<>(3);
        if (tty != null) {
            out.add("tty[" + tty + "]");
        }
        for (long ino : new long[] {stdinPipe, stdoutPipe, stderrPipe}) {
            if (ino != 0 && !out.contains(pipe(ino))) {
                out.add(pipe(ino));
            }
        }
        return out;
    }

    static String pipe(long inode) {
        return "pipe:[" + inode + "]";
    }
}
