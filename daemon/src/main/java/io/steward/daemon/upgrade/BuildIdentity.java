package io.steward.daemon.upgrade;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which files a daemon's command runs: the java executable and every class path entry, each by
 * device, inode, size and modification time. A restart with the daemon's own command whose files
 * are still those it started from runs the very build that is running, so {@link BuildCheck} has
 * nothing to ask it; any other command, or a rebuilt jar, is checked.
 *
 * <p>Only a class path of files can be known this way: a directory's own times do not change when
 * a class file in it does, so a command with a directory on its class path has no identity.
 *
 * @param files one entry per file, in the command's order
 */
public record BuildIdentity(List<FileStamp> files) {
    /** One file as {@code stat} sees it. */
    public record FileStamp(String path, long device, long inode, long size, long modifiedNanos) {}

    /** The identity of the files {@code command} runs, or empty when it has none (see above). */
    public static Optional<BuildIdentity> of(List<String> command) {
        if (command.isEmpty()) {
            return Optional.empty();
        }
        List<String> paths = new ArrayList<>();
        paths.add(command.getFirst());
        String classPath = classPath(command);
        if (classPath == null) {
            return Optional.empty();
        }
        paths.addAll(List.of(classPath.split(":")));
        List<FileStamp> stamps = new ArrayList<>(paths.size());
        for (String p : paths) {
            Optional<FileStamp> stamp = stamp(Path.of(p));
            if (stamp.isEmpty()) {
                return Optional.empty();
            }
            stamps.add(stamp.get());
        }
        return Optional.of(new BuildIdentity(List.copyOf(stamps)));
    }

    /** The class path the command names ({@code -cp}, {@code -classpath}, {@code --class-path}, {@code -jar}), or null. */
    private static String classPath(List<String> command) {
        for (int i = 1; i + 1 < command.size(); i++) {
            String a = command.get(i);
            if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path") || a.equals("-jar")) {
                return command.get(i + 1);
            }
            if (a.startsWith("--class-path=")) {
                return a.substring("--class-path=".length());
            }
        }
        return null;
    }

    private static Optional<FileStamp> stamp(Path p) {
        try {
            Path real = p.toRealPath();
            if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            Map<String, Object> a = Files.readAttributes(real, "unix:dev,ino,size,lastModifiedTime");
            long modified = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime"))
                    .to(java.util.concurrent.TimeUnit.NANOSECONDS);
            return Optional.of(new FileStamp(real.toString(), (Long) a.get("dev"), (Long) a.get("ino"),
                    (Long) a.get("size"), modified));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
