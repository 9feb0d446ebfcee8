package io.steward.daemon;

import io.steward.api.Json;
import io.steward.daemon.upgrade.StateFile;
import io.steward.sys.Exec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a daemon that fails to take over does: the build it was to replace said it could be
 * replaced, and left its own command in {@link #VARIABLE}; that build takes over again from the same
 * state, still in the memfd, with the same descriptors kept. Nothing of the failed attempt is closed
 * first, since closing would end the sessions. Without a command to fall back to (a fallback that
 * fails too) the JVM halts, with no shutdown hook run: the next daemon finds the sessions in the
 * journal and ends them, as after any crash.
 */
final class Fallback {
    /** The predecessor's command line, as JSON {@code {"argv": [...]}}; never passed on. */
    static final String VARIABLE = "STEWARD_TAKEOVER_FALLBACK";
    /** Why the build that was to take over did not: told to the build before it, which takes over again. */
    static final String FAILED = "STEWARD_TAKEOVER_FAILED";

    private Fallback() {}

    /** This process's environment as an execve takes it, less what one take-over tells the next. */
    static List<String> environment() {
        return new ArrayList<>(System.getenv().entrySet().stream()
                .filter(e -> !e.getKey().equals(VARIABLE) && !e.getKey().equals(FAILED))
                .map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    static void takeOverAgain(StateFile state, int resumeFd, Throwable why) {
        System.err.println("steward: the take-over failed: " + why);
        why.printStackTrace();
        String raw = System.getenv(VARIABLE);
        if (raw == null) {
            System.err.println("steward: no build to fall back to; halting (the next daemon ends the sessions)");
            System.err.flush();
            Runtime.getRuntime().halt(70);
        }
        try {
            @SuppressWarnings("unchecked")
            List<String> argv = new ArrayList<>((List<String>) Json.parseObject(raw).get("argv"));
            argv.add("--resume-fd=" + resumeFd);
            Set<Integer> keep = new HashSet<>(DaemonState.read(state).kept());
            keep.addAll(List.of(0, 1, 2, resumeFd));
            Exec.keepOnly(keep);
            List<String> env = environment();
            env.add(FAILED + "=the new build failed to take over (" + String.valueOf(why).replace('\n', ' ')
                    + "); the build before took over again");
            System.err.println("steward: the build before takes over again: " + argv.getFirst());
            System.err.flush();
            throw Exec.execve(argv.getFirst(), argv, env);
        } catch (RuntimeException e) {
            System.err.println("steward: the fallback failed too (" + e.getMessage() + "); halting");
            System.err.flush();
            Runtime.getRuntime().halt(70);
        }
    }
}
