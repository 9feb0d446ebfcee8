package io.steward.heartbeat;

/** The outcome of parsing one sd_notify datagram: a message, or the reason it was dropped. */
public sealed interface NotifyResult {
    record Accepted(NotifyMessage message) implements NotifyResult {
    }

    record Refused(NotifyRefusal reason) implements NotifyResult {
    }
}
