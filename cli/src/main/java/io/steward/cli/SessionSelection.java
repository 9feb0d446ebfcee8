package io.steward.cli;

import io.steward.api.ErrorCode;
import io.steward.api.SessionInfo;
import io.steward.api.StewardException;
import io.steward.client.Sessions;
import java.util.List;
import java.util.function.Predicate;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Which sessions a verb acts on: one by reference, every one of a label, or every one; exactly one
 * of the three. Of a label or all, only those in the state the verb is for (its command says which).
 */
final class SessionSelection {
    @Parameters(index = "0", arity = "0..1", paramLabel = "SESSION", description = "Id, unique id prefix (6+ characters) or name.")
    String ref;

    @Option(names = "--label", paramLabel = "L", description = "Every session with this label that the verb is for.")
    String label;

    @Option(names = "--all", description = "Every session that the verb is for.")
    boolean all;

    /** @throws StewardException {@code invalid-input} unless exactly one of SESSION, --label and --all is given */
    void check(String verb) {
        if ((ref != null ? 1 : 0) + (label != null ? 1 : 0) + (all ? 1 : 0) != 1) {
            throw new StewardException(ErrorCode.INVALID_INPUT, verb + ": give one of SESSION, --label L or --all");
        }
    }

    /** The sessions of the label, or all of them, exited ones too, that {@code forVerb} keeps, as listed. */
    List<SessionInfo> listed(Sessions sessions, Predicate<SessionInfo> forVerb) {
        return sessions.list(true, label).stream().filter(forVerb).toList();
    }
}
