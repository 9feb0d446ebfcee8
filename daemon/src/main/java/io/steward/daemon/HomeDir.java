package io.steward.daemon;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import io.steward.sys.Libc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Creates {@code STEWARD_HOME} mode 0700, or accepts an existing one only if it is a real
 * directory (not a symlink), owned by us, and no wider than 0700: anything else could let another
 * user read output or plant a socket.
 */
final class HomeDir {
    private HomeDir() {}

    static void prepare(StewardHome home) {
        Path dir = home.dir();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir.getParent());
                createIfAbsent(dir);
            }
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink() || !a.isDirectory()) {
                throw refuse(dir, "is not a directory (symbolic links are refused)");
            }
            int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != Libc.getuid()) {
                throw refuse(dir, "is owned by uid " + owner + ", not by us (uid " + Libc.getuid() + ")");
            }
            Set<PosixFilePermission> wider = a.permissions();
            wider.removeAll(PosixFilePermissions.fromString("rwx------"));
            if (!wider.isEmpty()) {
                throw refuse(dir, "has mode " + PosixFilePermissions.toString(a.permissions()) + "; it must be rwx------ (0700)");
            }
            if (!Files.exists(dir.resolve("logs"))) {
                createIfAbsent(dir.resolve("logs"));
            }
        } catch (IOException e) {
            throw new StewardException(ErrorCode.INTERNAL, "cannot prepare " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Creates a 0700 directory; one a concurrent start made meanwhile is checked like any other. */
    private static void createIfAbsent(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // two starts at once: the other made it
        }
    }

    private static StewardException refuse(Path dir, String why) {
        return new StewardException(ErrorCode.FORBIDDEN, "refusing STEWARD_HOME " + dir + ": it " + why);
    }
}
