package io.steward.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ProcFdsTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    private static long inodeOf(int port) {
        return SockDiag.dump().stream().filter(s -> s.localPort() == port && s.state() == 10).findFirst()
                .orElseThrow().inode();
    }

    @Test
    void ourListenersInodesAreAmongOurSocketsAndGoneOnceClosed() throws Exception {
        long inode;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            inode = inodeOf(server.getLocalPort());
            long[] mine = ProcFds.socketInodes(SELF);
            assertTrue(Arrays.stream(mine).anyMatch(i -> i == inode), "inode " + inode + " in " + Arrays.toString(mine));
            assertTrue(Arrays.stream(mine).allMatch(i -> i > 0));
        }
        assertTrue(Arrays.stream(ProcFds.socketInodes(SELF)).noneMatch(i -> i == inode));
    }

    @Test
    void manyDescriptorsSpanSeveralDirectoryReads() throws Exception {
        ServerSocket[] many = new ServerSocket[600];
        try {
            for (int i = 0; i < many.length; i++) {
                many[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            }
            long[] mine = ProcFds.socketInodes(SELF);
            assertTrue(mine.length >= many.length, "found " + mine.length);
            assertTrue(Arrays.stream(mine).anyMatch(i -> i == inodeOf(many[many.length - 1].getLocalPort())));
        } finally {
            for (ServerSocket s : many) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aProcessThatIsGoneHoldsNothing() {
        assertEquals(0, ProcFds.socketInodes(Integer.MAX_VALUE).length);
    }
}
