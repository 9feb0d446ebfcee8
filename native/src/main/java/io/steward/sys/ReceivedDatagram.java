package io.steward.sys;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What one {@link UnixDatagram#receive} found; reused from datagram to datagram so a steady stream of
 * receives allocates nothing.
 */
public final class ReceivedDatagram {
    private final int[] fds;
    int fdCount;
    int length;
    boolean truncated;
    boolean controlTruncated;
    boolean hasCredentials;
    int pid;
    int uid;
    int gid;

    /** Room for as many fds as {@link UnixDatagram#DEFAULT_CONTROL_SIZE} can carry. */
    public ReceivedDatagram() {
        this(UnixDatagram.DEFAULT_CONTROL_SIZE);
    }

    /** Room for as many fds as {@code controlSize} bytes of control messages can carry. */
    public ReceivedDatagram(int controlSize) {
        this.fds = new int[(int) Math.max(0, (controlSize - UnixDatagram.CMSG_HDR) / 4)];
    }

    void clear() {
        length = 0;
        truncated = false;
        controlTruncated = false;
        hasCredentials = false;
        pid = 0;
        uid = -1;
        gid = -1;
    }

    /**
     * Reads the control messages the kernel wrote into {@code control} ({@code used} bytes; a
     * truncated one carries what fitted): the sender's credentials, and passed fds.
     */
    void parseControl(MemorySegment control, long used) {
        long at = 0;
        while (at + UnixDatagram.CMSG_HDR <= used) {
            long len = control.get(ValueLayout.JAVA_LONG, at);
            if (len < UnixDatagram.CMSG_HDR || at + len > used) {
                break;
            }
            int level = control.get(ValueLayout.JAVA_INT, at + 8);
            int type = control.get(ValueLayout.JAVA_INT, at + 12);
            long data = at + UnixDatagram.CMSG_HDR;
            if (level == UnixDatagram.SOL_SOCKET && type == UnixDatagram.SCM_CREDENTIALS
                    && len >= UnixDatagram.CMSG_HDR + UnixDatagram.UCRED_SIZE) {
                pid = control.get(ValueLayout.JAVA_INT, data);
                uid = control.get(ValueLayout.JAVA_INT, data + 4);
                gid = control.get(ValueLayout.JAVA_INT, data + 8);
                hasCredentials = true;
            } else if (level == UnixDatagram.SOL_SOCKET && type == UnixDatagram.SCM_RIGHTS) {
                long count = (len - UnixDatagram.CMSG_HDR) / 4;
                for (long i = 0; i < count; i++) {
                    addFd(control.get(ValueLayout.JAVA_INT, data + 4 * i));
                }
            }
            at += (len + 7) & ~7L;
        }
    }

    void addFd(int fd) {
        if (fdCount < fds.length) {
            fds[fdCount++] = fd;
        } else {
            Libc.close(fd);
        }
    }

    /** The datagram's real length, which exceeds the buffer when {@link #truncated()}. */
    public int length() {
        return length;
    }

    /** MSG_TRUNC: the datagram was longer than the buffer and its tail is lost. */
    public boolean truncated() {
        return truncated;
    }

    /** MSG_CTRUNC: control messages did not fit; credentials or passed fds may be missing. */
    public boolean controlTruncated() {
        return controlTruncated;
    }

    /** Whether the kernel's SCM_CREDENTIALS arrived (always, unless control was truncated). */
    public boolean hasCredentials() {
        return hasCredentials;
    }

    /** The sender's pid as seen from this pid namespace (0 when it is not visible here). */
    public int pid() {
        return pid;
    }

    public int uid() {
        return uid;
    }

    public int gid() {
        return gid;
    }

    /** Descriptors passed with the datagram and still held here. */
    public int fdCount() {
        return fdCount;
    }

    public int fd(int index) {
        if (index < 0 || index >= fdCount) {
            throw new IndexOutOfBoundsException(index);
        }
        return fds[index];
    }

    /**
     * Hands descriptor {@code index} to the caller, who must close it; it is no longer closed
     * here. The others keep their indexes.
     */
    public int takeFd(int index) {
        int fd = fd(index);
        if (fd < 0) {
            throw new IllegalStateException("fd " + index + " was already taken");
        }
        fds[index] = -1;
        return fd;
    }

    /** Closes every passed descriptor still held. */
    public void closeFds() {
        for (int i = 0; i < fdCount; i++) {
            Libc.close(fds[i]);
            fds[i] = -1;
        }
        fdCount = 0;
    }
}
