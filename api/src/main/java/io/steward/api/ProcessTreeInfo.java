package io.steward.api;

import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /v1/sessions/{id}/tree}: the live processes of a session's tree, the root
 * first, then each member after its parent (depth first, by pid). A member whose parent is gone or
 * outside the tree (re-parented after it left) follows the root at depth 1 and is marked
 * {@code escaped} when it also left the root's session.
 */
public record ProcessTreeInfo(String session, String name, List<Node> processes) {

    /** What the whole tree read, summed over the processes whose figures could be read. */
    public long readBytes() {
        return processes.stream().mapToLong(n -> n.readBytes() != null ? n.readBytes() : 0).sum();
    }

    /** What the whole tree wrote, summed likewise. */
    public long writeBytes() {
        return processes.stream().mapToLong(n -> n.writeBytes() != null ? n.writeBytes() : 0).sum();
    }

    /** The descriptors the whole tree holds open, summed likewise. */
    public long openFiles() {
        return processes.stream().mapToLong(n -> n.openFiles() != null ? n.openFiles() : 0).sum();
    }

    /**
     * @param depth 0 for the root, 1 for its children, …
     * @param escaped it left the root's session ({@code setsid}); it is the tree's all the same
     * @param readBytes bytes it read ({@code /proc/PID/io} {@code rchar}: files, pipes and sockets); null when
     *     that is not readable (another user's process)
     * @param writeBytes bytes it wrote ({@code wchar}); null likewise
     * @param openFiles descriptors it holds open, of every kind; null likewise
     */
    public record Node(long pid, long ppid, int depth, String comm, List<String> argv, long cpuMs, long rssBytes,
            boolean escaped, Long readBytes, Long writeBytes, Long openFiles) {
        Map<String, Object> toJson() {
            return Json.object("pid", pid, "ppid", ppid, "depth", depth, "comm", comm, "argv", argv, "cpuMs", cpuMs,
                    "rssBytes", rssBytes, "escaped", escaped, "readBytes", readBytes, "writeBytes", writeBytes,
                    "openFiles", openFiles);
        }

        static Node fromJson(JsonFields f) {
            return new Node(f.longValue("pid"), f.longValue("ppid"), (int) f.longValue("depth"), f.text("comm"),
                    f.texts("argv"), f.longValue("cpuMs"), f.longValue("rssBytes"), f.flag("escaped"),
                    f.number("readBytes"), f.number("writeBytes"), f.number("openFiles"));
        }
    }

    public static ProcessTreeInfo fromJson(Map<String, Object> json) {
        JsonFields f = new JsonFields(json);
        return new ProcessTreeInfo(f.text("session"), f.text("name"),
                f.objects("processes").stream().map(Node::fromJson).toList());
    }

    /** The session's totals ({@code readBytes}, {@code writeBytes}, {@code openFiles}) follow its processes. */
    public Map<String, Object> toJson() {
        return Json.object("session", session, "name", name, "processes",
                processes.stream().map(Node::toJson).toList(), "readBytes", readBytes(), "writeBytes", writeBytes(),
                "openFiles", openFiles());
    }
}
