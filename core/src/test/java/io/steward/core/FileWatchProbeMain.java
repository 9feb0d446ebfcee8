package io.steward.core;

/** Run in a child JVM by the tests, as an unprivileged user: prints the file row of the capability matrix. */
public final class FileWatchProbeMain {
    private FileWatchProbeMain() {}

    public static void main(String[] args) {
        Capabilities.Capability row = FileWatch.probe();
        System.out.println(row.support().wire() + " " + row.backend() + " " + row.reason());
    }
}
