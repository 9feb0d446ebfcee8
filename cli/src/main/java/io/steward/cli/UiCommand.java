package io.steward.cli;

import io.steward.api.UiInfo;
import io.steward.sys.Libc;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward ui}: the daemon serves its dashboard on a loopback port (the one it used last, a
 * free one the first time) and this prints the page's address with the daemon's token, opening a
 * browser when a person is at a graphical terminal.
 */
@Command(name = "ui", description = "Serve the dashboard on a loopback port and print its address (with the token).")
final class UiCommand implements Callable<Integer> {
    @Option(names = "--json", description = "One JSON document: url, link (with the token), started.")
    boolean json;

    @Option(names = "--no-browser", description = "Only print the address, even at a graphical terminal.")
    boolean noBrowser;

    @Override
    public Integer call() {
        UiInfo ui = Clients.starting().daemon().ui();
        if (json) {
            Printer.json(ui.toJson());
            return 0;
        }
        System.out.println(ui.link());
        System.out.flush();
        if (!noBrowser && browserWanted()) {
            open(ui.link());
        }
        return 0;
    }

    /** A person at a terminal of a graphical session: a page opened for a script's output would be a surprise. */
    static boolean browserWanted() {
        return Libc.isatty(1) && (present("DISPLAY") || present("WAYLAND_DISPLAY"));
    }

    private static boolean present(String variable) {
        String v = System.getenv(variable);
        return v != null && !v.isEmpty();
    }

    /** Hands the address to the desktop's opener, not waited for; the printed address is enough if there is none. */
    private static void open(String link) {
        try {
            new ProcessBuilder(List.of("xdg-open", link)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (java.io.IOException e) {
            System.err.println("steward: cannot open a browser (" + e.getMessage() + "); open the address above");
        }
    }
}
