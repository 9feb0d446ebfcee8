package io.steward.sys;

/** Run in a child JVM by the tests, as an unprivileged user: prints how opening a group and marking /tmp fails. */
public final class FanotifyOpenMain {
    private FanotifyOpenMain() {}

    public static void main(String[] args) {
        try (Fanotify fan = Fanotify.open()) {
            fan.markFilesystem(java.nio.file.Path.of("/tmp"));
            System.out.println("marked /tmp");
        } catch (NativeException e) {
            System.out.println(e.call() + " " + e.errnoName());
        }
    }
}
