package io.steward.daemon.session;

import io.steward.api.ErrorCode;
import io.steward.api.SessionEvent;
import io.steward.api.SessionRef;
import io.steward.api.StewardException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions by keyed hash of their id. Lookups by full id, then name, then unique prefix (at
 * least six characters), and a refusal names the rules tried; a name never shadows a live id,
 * since one that is a prefix of a live session's id is refused at admission. An unknown, released or malformed-but-plausible reference is
 * {@code not-found} whatever the reason, so the answers reveal nothing about other ids.
 */
public final class SessionRegistry {
    private final SessionIds ids;
    private final Map<String, Session> byKey = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<Session> onRemove = s -> { };
    private volatile long generation;
    private final int quota;

    public SessionRegistry(int quota, SessionIds ids) {
        this.quota = quota;
        this.ids = ids;
    }

    public SessionIds ids() {
        return ids;
    }

    /** Checks the quota and the name before a spawn; the caller holds the registry lock. */
    public synchronized void admit(RunRequest request) {
        long live = byKey.values().stream().filter(Session::active).count();
        if (live >= quota) {
            throw new StewardException(ErrorCode.QUOTA, "quota reached: " + quota + " live sessions");
        }
        if (request.name() != null) {
            Session holder = byName(request.name());
            if (holder != null && holder.active()) {
                throw new StewardException(ErrorCode.CONFLICT, "a running session is already named '" + request.name() + "'");
            }
            Session shadowed = idStartingWith(request.name());
            if (shadowed != null) {
                throw new StewardException(ErrorCode.CONFLICT, "name '" + request.name()
                        + "' is a prefix of the id of running session " + shadowed.id() + "; choose another name");
            }
        }
    }

    /**
     * A live session whose id begins with {@code name}, when the name has the shape of an id prefix.
     * A name always wins a lookup, so such a name would hide that session from its prefix.
     */
    private Session idStartingWith(String name) {
        if (!SessionIds.couldBePrefix(name)) {
            return null;
        }
        for (Session s : byKey.values()) {
            if (s.active() && s.id().startsWith(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * A fresh id that no live session's name is a prefix of. With 130 random bits a clash is about
     * one in 10^9 per name of six id characters, but a new session must never be unreachable by a
     * prefix that names another; the caller holds the registry lock, so no name arrives meanwhile.
     */
    public synchronized String newId() {
        while (true) {
            String id = ids.newId();
            if (byKey.values().stream().noneMatch(s -> s.name() != null && id.startsWith(s.name()))) {
                return id;
            }
        }
    }

    /** Checks that an ended session may live again: it is still here, and the quota has room. */
    public synchronized void readmit(Session s) {
        if (byKey.get(s.key()) != s) {
            throw new StewardException(ErrorCode.NOT_FOUND, "no session '" + s.id() + "' (released)");
        }
        long live = byKey.values().stream().filter(Session::active).count();
        if (live >= quota) {
            throw new StewardException(ErrorCode.QUOTA, "quota reached: " + quota + " live sessions");
        }
    }

    /** Grows with every session added: a sender found ownerless may belong to a session newer than that. */
    public long generation() {
        return generation;
    }

    /** Adds a session; an ended one of the same name (admit ruled out a live one) is released first. */
    public synchronized void add(Session s) {
        generation++;
        if (s.name() != null) {
            Session holder = byName(s.name());
            if (holder != null) {
                remove(holder, "replaced");
            }
        }
        byKey.put(s.key(), s);
    }

    /**
     * Releases an ended session: it leaves the registry and steps to {@code released}, telling
     * {@code reason} in its {@code reaped} event.
     *
     * @return false when it was released already, or has not ended (then it stays)
     */
    public synchronized boolean remove(Session s, String reason) {
        synchronized (s.lifecycle()) {
            if (!s.lifecycle().allows(Lifecycle.Cause.RELEASE) || !byKey.remove(s.key(), s)) {
                return false;
            }
            s.lifecycle().move(Lifecycle.Cause.RELEASE,
                    (seq, at, session, name) -> new SessionEvent.Reaped(seq, at, session, name, reason));
        }
        onRemove.accept(s);
        return true;
    }

    /** Told of every session released, after it left the registry. */
    public void onRemove(java.util.function.Consumer<Session> listener) {
        this.onRemove = listener;
    }

    public Session find(String ref) {
        SessionRef.requireShape(ref); // the client refuses the same shapes before asking
        if (SessionIds.isFullId(ref)) {
            Session s = byKey.get(ids.key(ref));
            if (s != null) {
                return s;
            }
        }
        Session named = byName(ref);
        if (named != null) {
            return named;
        }
        if (SessionIds.couldBePrefix(ref) && ref.length() < SessionIds.LENGTH) {
            List<Session> matches = byKey.values().stream().filter(s -> s.id().startsWith(ref)).toList();
            if (matches.size() == 1) {
                return matches.getFirst();
            }
            if (matches.size() > 1) {
                throw new StewardException(ErrorCode.INVALID_INPUT, "ambiguous session prefix '" + ref + "': "
                        + String.join(", ", matches.stream().map(s -> s.id()).sorted().toList())
                        + " (no session is named so)");
            }
        }
        throw new StewardException(ErrorCode.NOT_FOUND, "no session '" + ref + "' (" + rulesTried(ref) + ")");
    }

    /** The rules a reference of this shape was tried against, in the order they are tried. */
    private static String rulesTried(String ref) {
        if (SessionIds.isFullId(ref)) {
            return "no id or name matches";
        }
        boolean prefix = SessionIds.couldBePrefix(ref) && ref.length() < SessionIds.LENGTH;
        return prefix ? "no name or id prefix matches" : "no name matches";
    }

    private Session byName(String name) {
        for (Session s : byKey.values()) {
            if (name.equals(s.name())) {
                return s;
            }
        }
        return null;
    }

    /** Sessions, oldest first; exited ones only with {@code all}, optionally only those with a label. */
    public List<Session> list(boolean all, String label) {
        List<Session> out = new ArrayList<>();
        for (Session s : byKey.values()) {
            if ((all || s.active()) && (label == null || label.equals(s.request().label()))) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparingLong(s -> s.createdNanos()));
        return out;
    }

    public List<Session> all() {
        return list(true, null);
    }
}
