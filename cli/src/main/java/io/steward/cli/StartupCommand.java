package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.Json;
import io.steward.api.StewardException;
import io.steward.api.StewardHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code steward startup}: a systemd user unit that starts the daemon at login (or boot, with
 * lingering) and brings back the saved apps.
 */
@Command(name = "startup", description = "Print a systemd user unit that runs the daemon and resurrects the saved apps.")
final class StartupCommand implements Callable<Integer> {
    static final String UNIT = "steward.service";

    @Option(names = "--install", description = "Write it to the user's unit directory instead of printing it.")
    boolean install;

    @Option(names = "--json", description = "One JSON document: the unit, and the file it was written to with --install.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        String unit = unit(launcher(), StewardHome.fromEnvironment());
        Path file = null;
        if (install) {
            Path dir = unitDirectory();
            Files.createDirectories(dir);
            file = dir.resolve(UNIT);
            Files.writeString(file, unit);
        }
        if (json) {
            Printer.json(Json.object("unit", unit, "file", file != null ? file.toString() : null));
        } else if (file == null) {
            System.out.print(unit);
        } else {
            System.out.println("steward: wrote " + file + "; enable it with: systemctl --user daemon-reload && "
                    + "systemctl --user enable --now " + UNIT + " (and loginctl enable-linger to start it at boot)");
        }
        return 0;
    }

    static String unit(String launcher, StewardHome home) {
        if (launcher.contains("\n") || home.dir().toString().contains("\n")) {
            throw new StewardException(ErrorCode.INVALID_INPUT, "a path with a newline cannot go into a unit file");
        }
        return """
                [Unit]
                Description=steward process supervisor

                [Service]
                Type=simple
                Environment="STEWARD_HOME=%s"
                ExecStart="%s" daemon run --resurrect
                ExecStop="%s" daemon stop
                # The daemon stops every session itself (soft, then hard, whole trees) on stop.
                KillMode=mixed
                TimeoutStopSec=60
                Restart=on-failure
                RestartSec=2

                [Install]
                WantedBy=default.target
                """.formatted(home.dir(), launcher, launcher);
    }

    /** The bin/steward that started us, so the unit runs this build. */
    private static String launcher() {
        String l = System.getProperty("steward.launcher");
        return l != null ? l : "/usr/local/bin/steward";
    }

    private static Path unitDirectory() {
        String config = System.getenv("XDG_CONFIG_HOME");
        Path base = config != null && !config.isEmpty() ? Path.of(config)
                : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("systemd").resolve("user");
    }
}
