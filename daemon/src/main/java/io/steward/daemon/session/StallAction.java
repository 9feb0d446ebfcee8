package io.steward.daemon.session;

import io.steward.api.ErrorCode;
import io.steward.api.StewardException;
import io.steward.sys.Signal;

/**
 * What the daemon does when a session stalls ({@code --on-stall}): nothing, restart it, stop it,
 * or send it a signal.
 *
 * @param signal the signal to send, for {@link Kind#SIGNAL} only
 */
public record StallAction(Kind kind, Signal signal) {
    public enum Kind { NONE, RESTART, STOP, SIGNAL }

    static final StallAction NONE = new StallAction(Kind.NONE, null);

    /** {@code none}, {@code restart}, {@code stop} or {@code signal:NAME} (with or without SIG). */
    static StallAction parse(String text) {
        return switch (text) {
            case "none" -> NONE;
            case "restart" -> new StallAction(Kind.RESTART, null);
            case "stop" -> new StallAction(Kind.STOP, null);
            default -> {
                if (text.startsWith("signal:")) {
                    String name = text.substring("signal:".length());
                    yield new StallAction(Kind.SIGNAL, Signal.parse(name).orElseThrow(() -> new StewardException(
                            ErrorCode.INVALID_INPUT, "onStall: unknown signal '" + name + "'")));
                }
                throw new StewardException(ErrorCode.INVALID_INPUT,
                        "onStall: expected none, restart, stop or signal:NAME, not '" + text + "'");
            }
        };
    }

    public String wire() {
        return kind == Kind.SIGNAL ? "signal:" + signal.name() : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
