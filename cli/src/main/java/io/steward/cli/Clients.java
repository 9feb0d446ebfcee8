package io.steward.cli;

import io.steward.api.StewardHome;
import io.steward.client.StewardClient;

/** How commands reach the daemon: one place, so every verb resolves the home the same way. */
final class Clients {
    private Clients() {}

    /** A client for a daemon that must already run: a stopped daemon is exit code 4, not a surprise start. */
    static StewardClient existing() {
        return new StewardClient(StewardHome.fromEnvironment());
    }

    /** A client for a daemon that is started (detached, logging to its home) when none answers. */
    static StewardClient starting() {
        return StewardClient.connect(StewardHome.fromEnvironment(), home -> DaemonCommand.start(home));
    }
}
