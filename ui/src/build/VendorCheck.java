import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Build-time check of the vendored libraries (run by the ui module's build as a source-file
 * program, so nothing of it ships): every file the lock lists has its SHA-256, and vendor/ holds no
 * file the lock does not list. Arguments: the lock file, the vendor directory.
 */
public final class VendorCheck {
    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        Path lock = Path.of(args[0]);
        Path vendor = Path.of(args[1]);
        Set<String> listed = new TreeSet<>();
        int bad = 0;
        for (String line : Files.readAllLines(lock)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            if (f.length != 4) {
                System.err.println(lock + ": expected 'package version file sha256', got: " + line);
                System.exit(1);
            }
            listed.add(f[2]);
            Path file = vendor.resolve(f[2]);
            if (!Files.isRegularFile(file)) {
                System.err.println("vendored file missing: " + file + " (" + f[0] + " " + f[1] + "; bin/lib/ui-vendor fetches it)");
                bad++;
                continue;
            }
            String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            if (!actual.equals(f[3])) {
                System.err.println("vendored file changed: " + file + " has sha256 " + actual + ", " + lock.getFileName()
                        + " says " + f[3] + " (" + f[0] + " " + f[1] + ")");
                bad++;
            }
        }
        List<String> present;
        try (Stream<Path> files = Files.walk(vendor)) {
            present = files.filter(Files::isRegularFile).map(p -> vendor.relativize(p).toString().replace('\\', '/')).toList();
        }
        for (String p : present) {
            if (!listed.contains(p)) {
                System.err.println("vendored file not in " + lock.getFileName() + ": " + vendor.resolve(p));
                bad++;
            }
        }
        if (bad > 0) {
            System.exit(1);
        }
    }
}
