package io.steward.core;

/**
 * A process's streams on the loop: its output rings (taken over from the process before it in a
 * restart), the stdin queue, and the channels that move bytes between the descriptors and these.
 */
final class ProcessStreams {
    private final IoLoop loop;
    final Ring stdout;
    /** Separate stderr, or null when merged or a pty. */
    final Ring stderr;
    /** In which order stdout and stderr arrived; null when stderr is not apart. */
    final ArrivalOrder order;
    /** Null when stdin is neither a pipe nor a terminal. */
    final StdinSink stdin;
    final Channel out;
    final Channel err;
    private final Channel stdinChannel;
    private final boolean pty;

    static ProcessStreams of(IoLoop loop, ProcessSpec spec, Launcher.Spawned spawned, ProcessStreams previous) {
        Ring stdout = ring(previous != null ? previous.stdout : null, spec);
        Ring stderr = spawned.stderr() >= 0 ? ring(previous != null ? previous.stderr : null, spec) : null;
        // A restart that took over both rings keeps their order too.
        ArrivalOrder order = stderr == null ? null : previous != null && previous.order != null
                && previous.stdout == stdout && previous.stderr == stderr ? previous.order : new ArrivalOrder();
        return new ProcessStreams(loop, spawned, stdout, stderr, order, spawned.pty() || spawned.stdin() >= 0);
    }

    /**
     * @param stderr the separate stderr ring, or null
     * @param order their order, when stderr is apart
     * @param hasStdin whether the process has a stdin queue (a pipe or a terminal)
     */
    ProcessStreams(IoLoop loop, Launcher.Spawned spawned, Ring stdout, Ring stderr, ArrivalOrder order,
            boolean hasStdin) {
        this.loop = loop;
        this.pty = spawned.pty();
        this.stdout = stdout;
        this.stderr = stderr;
        this.order = order;
        Channel[] writer = new Channel[1];
        this.stdin = hasStdin ? new StdinSink(StdinSink.DEFAULT_LIMIT, () -> writer[0].wake(),
                (data, off, len) -> writer[0].writeNow(data, off, len)) : null;
        if (pty) {
            this.out = writer[0] = new Channel(loop, spawned.stdout(), stdout, stdin, true);
            this.stdinChannel = null;
        } else {
            this.stdinChannel = writer[0] = stdin != null ? new Channel(loop, spawned.stdin(), null, stdin, false) : null;
            this.out = new Channel(loop, spawned.stdout(), stdout, null, false, order, ArrivalOrder.STDOUT);
        }
        this.err = stderr != null ? new Channel(loop, spawned.stderr(), stderr, null, false, order, ArrivalOrder.STDERR)
                : null;
    }

    private static Ring ring(Ring previous, ProcessSpec spec) {
        if (previous == null) {
            return new Ring(spec.ringBytes(), spec.overflow());
        }
        // A second writer, or a fresh ring in its place, would split the stream: the caller must
        // have waited for the predecessor's output to close (awaitClosed).
        previous.reopen();
        return previous;
    }

    /** The channels still open: their descriptors are what a daemon taking over must keep. */
    java.util.List<Channel> openChannels() {
        java.util.List<Channel> open = new java.util.ArrayList<>(3);
        for (Channel c : new Channel[] {out, err, stdinChannel}) {
            if (c != null && c.isOpen()) {
                open.add(c);
            }
        }
        return open;
    }

    Channel stdinChannel() {
        return stdinChannel;
    }

    void start() {
        out.start();
        if (err != null) {
            err.start();
        }
        if (stdinChannel != null) {
            stdinChannel.start();
        }
    }

    /** Nanos (System.nanoTime) of the last byte of output, or of the start. */
    long lastOutputNanos() {
        long t = out.lastOutputNanos();
        return err == null ? t : Math.max(t, err.lastOutputNanos());
    }

    /** The process is reaped: stdin has no reader any more, and a terminal's last output may be read. */
    void processExited() {
        if (stdinChannel != null) {
            loop.execute(stdinChannel::shutdown);
        }
        if (pty) {
            loop.execute(out::processExited);
        }
    }

    /**
     * Waits until the output rings are closed, as they are once the channels read the last byte.
     * If a pipe is still held open when {@code patience} runs out (by something outside the tree),
     * the channels are closed on the loop, which closes the rings at once.
     *
     * @return whether they closed within twice {@code patience}
     */
    boolean awaitClosed(java.time.Duration patience) throws InterruptedException {
        if (closedBy(System.nanoTime() + patience.toNanos())) {
            return true;
        }
        loop.execute(() -> {
            out.shutdown();
            if (err != null) {
                err.shutdown();
            }
        });
        return closedBy(System.nanoTime() + patience.toNanos());
    }

    private boolean closedBy(long deadline) throws InterruptedException {
        return stdout.awaitClosed(deadline) && (stderr == null || stderr.awaitClosed(deadline));
    }
}
