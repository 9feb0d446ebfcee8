package io.steward.sys;

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
