package io.steward.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's check of the vendored files (src/build/VendorCheck.java), run as the build runs it, on a copy. */
class VendorCheckTest {
    private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    private static final Path VENDOR = MODULE.resolve("src/main/resources/io/steward/ui/web/vendor");

    @TempDir
    Path tmp;
    Path lock;
    Path vendor;

    record Run(int code, String err) {}

    @BeforeEach
    void copy() throws IOException {
        lock = Files.copy(MODULE.resolve("vendor.lock"), tmp.resolve("vendor.lock"));
        vendor = tmp.resolve("vendor");
        try (Stream<Path> files = Files.walk(VENDOR)) {
            for (Path p : files.toList()) {
                Path to = vendor.resolve(VENDOR.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
    }

    private Run check() throws IOException, InterruptedException {
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                MODULE.resolve("src/build/VendorCheck.java").toString(), lock.toString(), vendor.toString())
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the check did not finish");
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theVendoredFilesPass() throws Exception {
        Run run = check();
        assertEquals(0, run.code(), run.err());
    }

    @Test
    void aChangedMissingOrUnlistedFileFailsTheBuild() throws Exception {
        Files.writeString(vendor.resolve("uplot-1.6.32/uPlot.esm.js"), "\n// changed", java.nio.file.StandardOpenOption.APPEND);
        Files.delete(vendor.resolve("xterm-6.0.0/LICENSE"));
        Files.writeString(vendor.resolve("xterm-6.0.0/extra.js"), "export {};");
        Run run = check();
        assertEquals(1, run.code());
        assertTrue(run.err().contains("vendored file changed: " + vendor.resolve("uplot-1.6.32/uPlot.esm.js")), run.err());
        assertTrue(run.err().contains("vendored file missing: " + vendor.resolve("xterm-6.0.0/LICENSE")), run.err());
        assertTrue(run.err().contains("vendored file not in vendor.lock: " + vendor.resolve("xterm-6.0.0/extra.js")), run.err());
    }
}
