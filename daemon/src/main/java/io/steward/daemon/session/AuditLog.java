package io.steward.daemon.session;

import io.steward.api.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One JSON line per mutating call and per refusal: time, caller uid and pid, action, a hash
 * prefix of the session id, result. Never environment values, stdin bytes or output. Writes that
 * fail are counted, not thrown at the caller.
 */
public final class AuditLog {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private final Path file;
    private final AtomicLong failures = new AtomicLong();

    public AuditLog(Path file) {
        this.file = file;
    }

    public synchronized void record(Caller caller, String action, String idTag, String result) {
        String line = Json.write(Json.object("at", Instant.now().toString(), "uid", caller.uid(), "pid", caller.pid(),
                "action", action, "session", idTag, "result", result)) + "\n";
        try {
            if (!Files.exists(file)) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            if (failures.incrementAndGet() == 1) {
                LOG.log(Level.WARNING, "cannot write audit log " + file, e);
            }
        }
    }

    public long failures() {
        return failures.get();
    }
}
