package io.steward.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The daemon's packages depend one way: each uses only the packages of the layers below its own,
 * so none reaches back up and there is no cycle. Read from the main sources: every import and
 * qualified name of a class of the daemon, comments included (a link up is a dependency too).
 */
class PackageDependenciesTest {
    /** Bottom first, by the package's name under {@code io.steward.daemon} ("" for the wiring itself). */
    private static final List<List<String>> LAYERS = List.of(
            List.of("session", "upgrade"),
            List.of("beats", "state"),
            List.of("supervision"),
            List.of("apps"),
            List.of("http"),
            List.of(""));
    private static final Path SOURCES = Path.of("src/main/java/io/steward/daemon");
    /** {@code io.steward.daemon.beats.Heartbeats} names {@code .beats}; {@code io.steward.daemon.Daemon} names "". */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.steward\\.daemon((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        List<String> upward = new ArrayList<>();
        int references = 0;
        for (Path file : sources()) {
            String own = packageOf(file);
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = REFERENCE.matcher(lines.get(i));
                while (m.find()) {
                    String used = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
                    if (used.equals(own)) {
                        continue;
                    }
                    references++;
                    if (layerOf(used) >= layerOf(own)) {
                        upward.add(SOURCES.relativize(file) + ":" + (i + 1) + ": " + name(own) + " uses " + name(used));
                    }
                }
            }
        }
        assertEquals(List.of(), upward, "a package uses one of its own layer or above");
        assertTrue(references > 20, "the check read the sources' references (" + references + "), from " + SOURCES);
    }

    @Test
    void everyPackageHasItsLayer() throws IOException {
        TreeSet<String> packages = new TreeSet<>();
        for (Path file : sources()) {
            packages.add(packageOf(file));
        }
        TreeSet<String> layered = new TreeSet<>();
        LAYERS.forEach(layered::addAll);
        assertEquals(layered, packages, "the packages on disk are the packages of LAYERS");
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The package of a source file by its directory, as LAYERS names it. */
    private static String packageOf(Path file) {
        return SOURCES.relativize(file.getParent()).toString().replace('/', '.');
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("package '" + name(pkg) + "' is in no layer: give it one in LAYERS");
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? "io.steward.daemon" : "io.steward.daemon." + pkg;
    }
}
