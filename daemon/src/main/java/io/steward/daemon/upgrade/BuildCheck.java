package io.steward.daemon.upgrade;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks a build whether it can take over before the daemon hands over to it: the build's own
 * command runs as a child ({@code daemon run --resume-check=FORMAT}) and must answer
 * {@link #ANSWER} for this state's format. A build that does not start, does not know the option,
 * or reads another format is refused with what it said, and the daemon carries on as it was.
 */
public final class BuildCheck {
    /** What a build that reads format N prints and exits 0 with. */
    public static final String ANSWER = "steward-resume-format %d ok";
    static final long TIMEOUT_SECONDS = 30;

    private BuildCheck() {}

    /** The line a build that can take over a state of {@code format} prints, or null when it cannot. */
    public static String answer(int format) {
        return format == StateFile.FORMAT ? String.format(ANSWER, format) : null;
    }

    /**
     * Runs {@code command} + {@code daemon run --resume-check=FORMAT}.
     *
     * @throws StewardException {@code conflict} with what the build said when it cannot take over
     */
    public static void require(List<String> command, Path scratch) {
        List<String> argv = new ArrayList<>(command);
        argv.addAll(List.of("daemon", "run", "--resume-check=" + StateFile.FORMAT));
        Path out = scratch.resolve("resume-check.out");
        try {
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw refused("it did not answer within " + TIMEOUT_SECONDS + " s");
            }
            String said = Files.readString(out, StandardCharsets.UTF_8).strip();
            String expected = String.format(ANSWER, StateFile.FORMAT);
            if (p.exitValue() != 0 || !said.lines().anyMatch(expected::equals)) {
                String first = said.lines().filter(l -> !l.isBlank()).findFirst().orElse("nothing");
                throw refused("it exited with " + p.exitValue() + " and said: " + first);
            }
        } catch (IOException e) {
            throw refused("it could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("the check was interrupted");
        } finally {
            try {
                Files.deleteIfExists(out);
            } catch (IOException ignored) {
                // a leftover answer file is overwritten by the next check
            }
        }
    }

    private static StewardException refused(String why) {
        return new StewardException(ErrorCode.CONFLICT, "the new build cannot take over this daemon's state (format "
                + StateFile.FORMAT + "): " + why + "; the daemon carries on as it was");
    }
}
