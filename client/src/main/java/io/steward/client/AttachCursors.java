package io.steward.client;

import io.steward.api.AttachMessage;
import io.steward.api.StdStream;

/**
 * Where an attachment stands in the session's output: the offset of the next byte of stdout (or the
 * terminal) and of stderr. The hello gives the start, each output frame moves its stream on by its
 * length, and a {@code dropped} message sets the stream it names; attaching again from here goes on
 * with no byte missed or repeated.
 */
final class AttachCursors {
    private long stdout;
    private long stderr;

    AttachCursors(long stdout, long stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    synchronized void hello(AttachMessage.Hello h) {
        stdout = h.stdoutCursor();
        stderr = h.stderrCursor();
    }

    /** An output frame of {@code stream} ({@link AttachEvent.Output#PTY}, STDOUT or STDERR) carrying {@code length} bytes. */
    synchronized void output(int stream, int length) {
        if (stream == AttachEvent.Output.STDERR) {
            stderr += length;
        } else {
            stdout += length;
        }
    }

    synchronized void dropped(AttachMessage.Dropped d) {
        if (d.stream() == StdStream.STDERR) {
            stderr = d.cursor();
        } else {
            stdout = d.cursor();
        }
    }

    synchronized long stdout() {
        return stdout;
    }

    synchronized long stderr() {
        return stderr;
    }

    /** How to attach again from here: as {@code first} did, without stealing (that was done once, or not asked). */
    synchronized AttachOptions resume(AttachOptions first) {
        return new AttachOptions(first.readOnly(), false, stdout, stderr);
    }
}
