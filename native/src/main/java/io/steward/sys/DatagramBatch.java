package io.steward.sys;

import static io.steward.sys.Native.INT;
import static io.steward.sys.Native.PTR;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Up to {@code slots} datagrams taken from a socket by one {@code recvmmsg}: a busy receiver pays
 * one system call per batch instead of one per datagram. Every slot has its own payload area,
 * control buffer and reused {@link ReceivedDatagram}, all made once, so receiving allocates nothing.
 * One thread uses a batch at a time.
 *
 * <p>{@code struct mmsghdr} is a {@code msghdr} (56 bytes) then the received length, 64 bytes in all
 * on 64-bit glibc.
 */
public final class DatagramBatch implements AutoCloseable {
    private static final long MMSGHDR_SIZE = 64;
    private static final long MSG_LEN = 56;
    private static final MethodHandle RECVMMSG =
            Native.errnoCall("recvmmsg", FunctionDescriptor.of(INT, INT, PTR, INT, INT, PTR));
    private static final MethodHandle RECEIVE_CALL;

    static {
        try {
            RECEIVE_CALL = MethodHandles.lookup().findStatic(DatagramBatch.class, "recvmmsg",
                    MethodType.methodType(int.class, int.class, MemorySegment.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int slots;
    private final int controlSize;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment vec;
    /**
     * {@link #recvmmsg}, called through a handle the JIT cannot see into, so it is always compiled
     * on its own. Inlined into {@link #receive}, the downcall's checks were sometimes not inlined
     * in turn (profile-dependent), and the slice the stub takes of the capture segment then
     * escaped: about 80 bytes allocated per receive, in one JVM run of three.
     */
    private final MethodHandle receiveCall = RECEIVE_CALL;
    private final MemorySegment[] payloads;
    private final MemorySegment[] controls;
    private final ReceivedDatagram[] received;
    private int count;

    /**
     * @param payloadBytes room per datagram; a longer one is cut and reported truncated with its real length
     * @param controlSize control bytes per datagram (credentials need 32)
     */
    public DatagramBatch(int slots, int payloadBytes, int controlSize) {
        if (slots < 1 || payloadBytes < 1 || controlSize < 0) {
            throw new IllegalArgumentException("slots and payload bytes must be positive");
        }
        this.slots = slots;
        this.controlSize = controlSize;
        vec = arena.allocate(MMSGHDR_SIZE * slots, 8);
        MemorySegment iovs = arena.allocate(UnixDatagram.IOVEC_SIZE * slots, 8);
        payloads = new MemorySegment[slots];
        controls = new MemorySegment[slots];
        received = new ReceivedDatagram[slots];
        for (int i = 0; i < slots; i++) {
            payloads[i] = arena.allocate(payloadBytes, 8);
            controls[i] = arena.allocate(Math.max(controlSize, 8), 8);
            received[i] = new ReceivedDatagram(controlSize);
            MemorySegment iov = iovs.asSlice(UnixDatagram.IOVEC_SIZE * i, UnixDatagram.IOVEC_SIZE);
            iov.set(ValueLayout.ADDRESS, 0, payloads[i]);
            iov.set(ValueLayout.JAVA_LONG, 8, payloadBytes);
            MemorySegment hdr = header(i);
            hdr.set(ValueLayout.ADDRESS, UnixDatagram.MSG_NAME, MemorySegment.NULL);
            hdr.set(ValueLayout.JAVA_INT, UnixDatagram.MSG_NAMELEN, 0);
            hdr.set(ValueLayout.ADDRESS, UnixDatagram.MSG_IOV, iov);
            hdr.set(ValueLayout.JAVA_LONG, UnixDatagram.MSG_IOVLEN, 1);
            hdr.set(ValueLayout.ADDRESS, UnixDatagram.MSG_CONTROL, controlSize == 0 ? MemorySegment.NULL : controls[i]);
        }
    }

    private MemorySegment header(int i) {
        return vec.asSlice(MMSGHDR_SIZE * i, MMSGHDR_SIZE);
    }

    /**
     * Takes up to a batch of queued datagrams from {@code socket} without blocking. Descriptors
     * passed with them arrive close-on-exec; whatever the caller did not take is closed at the next
     * receive, as with {@link UnixDatagram#receive}.
     *
     * @return how many arrived; 0 when nothing was pending (EAGAIN)
     * @throws NativeException naming recvmmsg for any other failure
     */
    public int receive(UnixDatagram socket) {
        for (int i = 0; i < count; i++) {
            received[i].closeFds();
        }
        for (int i = 0; i < slots; i++) {
            long at = MMSGHDR_SIZE * i;
            vec.set(ValueLayout.JAVA_LONG, at + UnixDatagram.MSG_CONTROLLEN, controlSize);
            vec.set(ValueLayout.JAVA_INT, at + UnixDatagram.MSG_FLAGS, 0);
        }
        int n;
        do {
            n = receiveOnce(socket.fd());
        } while (n == -Errno.EINTR);
        if (n == -Errno.EAGAIN) {
            count = 0;
            return 0;
        }
        if (n < 0) {
            count = 0;
            throw new NativeException("recvmmsg", -n);
        }
        for (int i = 0; i < n; i++) {
            long at = MMSGHDR_SIZE * i;
            ReceivedDatagram r = received[i];
            r.clear();
            int flags = vec.get(ValueLayout.JAVA_INT, at + UnixDatagram.MSG_FLAGS);
            r.length = vec.get(ValueLayout.JAVA_INT, at + MSG_LEN);
            r.truncated = (flags & UnixDatagram.MSG_TRUNC) != 0;
            r.controlTruncated = (flags & UnixDatagram.MSG_CTRUNC) != 0;
            r.parseControl(controls[i], Math.min(vec.get(ValueLayout.JAVA_LONG, at + UnixDatagram.MSG_CONTROLLEN),
                    controlSize));
        }
        count = n;
        return n;
    }

    private int receiveOnce(int fd) {
        try {
            return (int) receiveCall.invokeExact(fd, vec, slots);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** One recvmmsg, in a method small enough for the JIT to see through the call state it captures. */
    private static int recvmmsg(int fd, MemorySegment vec, int slots) {
        try {
            MemorySegment st = Native.state();
            int n = (int) RECVMMSG.invokeExact(st, fd, vec, slots,
                    UnixDatagram.MSG_DONTWAIT | UnixDatagram.MSG_TRUNC | UnixDatagram.MSG_CMSG_CLOEXEC, MemorySegment.NULL);
            return n < 0 ? -Native.errno(st) : n;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The payload of datagram {@code i} of the last receive. */
    public MemorySegment payload(int i) {
        return payloads[i];
    }

    /** What else datagram {@code i} of the last receive carried. */
    public ReceivedDatagram datagram(int i) {
        return received[i];
    }

    /** Closes descriptors still held from the last receive. */
    public void closeFds() {
        for (int i = 0; i < count; i++) {
            received[i].closeFds();
        }
    }

    @Override
    public void close() {
        closeFds();
        arena.close();
    }
}
